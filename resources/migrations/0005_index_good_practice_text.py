"""Search columns now include the sections of a resource's good-practice record: rebuild them for those resources.

Uses the search module's pure functions (they read translated columns only) with the historical models.
"""

from django.db import migrations

from resources import search


def index_good_practices(apps, schema_editor):
    GoodPractice = apps.get_model("resources", "GoodPractice")
    Resource = apps.get_model("resources", "Resource")
    using = schema_editor.connection.alias
    postgresql = schema_editor.connection.vendor == "postgresql"
    for practice in GoodPractice.objects.using(using).select_related("resource").iterator(chunk_size=500):
        values = search.index_columns(practice.resource, practice)
        if postgresql:
            values["search_vector"] = search.vector_expression(practice.resource, practice)
        Resource.objects.using(using).filter(pk=practice.resource_id).update(**values)


class Migration(migrations.Migration):
    dependencies = [("resources", "0004_good_practices_and_strategies")]

    operations = [migrations.RunPython(index_good_practices, migrations.RunPython.noop)]
