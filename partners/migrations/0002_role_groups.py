from django.db import migrations

ROLES = ("librarian", "coordinator")


def create_role_groups(apps, schema_editor):
    # Permissions only exist after migrate's post_migrate step, which fills these groups (partners.roles).
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
