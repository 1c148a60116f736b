import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from partners.admin import CoordinatorOnlyAdminMixin, OrganisationScopedAdminMixin, OrganisationScopedInlineMixin
from partners.models import Organisation, StaffMembership
from tests.factories import AgreementFactory, StaffMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def permission_names(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_creates_both_role_groups_with_their_permissions():
    librarian = permission_names("librarian")
    coordinator = permission_names("coordinator")

    assert {"activities.add_event", "activities.change_event", "mapping.delete_initiative"} <= librarian
    assert {"resources.add_resource", "resources.change_strategy", "partners.view_organisation"} <= librarian
    assert {"activities.view_registration", "activities.add_attendance"} <= librarian
    assert not {"activities.delete_registration", "mapping.add_initiativeimport"} & librarian
    assert not {"partners.add_organisation", "partners.change_agreement", "partners.add_staffmembership"} & librarian
    assert {"partners.add_organisation", "partners.add_agreement", "partners.add_staffmembership"} <= coordinator
    assert {"activities.delete_event", "auth.add_user", "auth.change_user"} <= coordinator
    assert "auth.delete_user" not in coordinator


def test_sync_roles_is_idempotent_and_removes_permissions_given_by_hand():
    stray = Permission.objects.get(content_type__app_label="auth", codename="delete_user")
    Group.objects.get(name="librarian").permissions.add(stray)
    before = permission_names("coordinator")

    call_command("sync_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("sync_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert "auth.delete_user" not in permission_names("librarian")
    assert permission_names("coordinator") == before
    assert Group.objects.filter(name__in=["librarian", "coordinator"]).count() == 2


def test_a_membership_added_in_the_admin_gives_the_role_and_staff_status(admin_client, ogre):
    user = UserFactory(username="jauna-bibliotekare", is_staff=False)

    admin_client.post(
        reverse("admin:partners_staffmembership_add"),
        {"user": user.pk, "organisation": ogre.pk, "role": StaffMembership.Role.LIBRARIAN},
    )

    user.refresh_from_db()
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["librarian"]
    assert user.has_perm("activities.add_event")


def test_deleting_the_last_membership_takes_the_role_away(admin_client, librarian):
    membership = librarian.memberships.get()

    admin_client.post(reverse("admin:partners_staffmembership_delete", args=[membership.pk]), {"post": "yes"})

    assert not librarian.groups.exists()


@pytest.mark.parametrize("model", ["agreement", "staffmembership"])
def test_agreements_and_memberships_are_for_coordinators_only(client, librarian, coordinator, model):
    AgreementFactory()
    changelist = reverse(f"admin:partners_{model}_changelist")

    client.force_login(librarian)
    assert client.get(changelist).status_code == 403
    client.force_login(coordinator)
    assert client.get(changelist).status_code == 200


def test_a_librarian_reads_organisations_but_cannot_change_them(librarian_client, ogre):
    change = reverse("admin:partners_organisation_change", args=[ogre.pk])

    assert librarian_client.get(reverse("admin:partners_organisation_changelist")).status_code == 200
    assert librarian_client.get(reverse("admin:partners_organisation_add")).status_code == 403
    response = librarian_client.post(change, {"name_lv": "Pārdēvēta"})
    assert response.status_code == 403
    ogre.refresh_from_db()
    assert ogre.name_lv == "Ogres Centrālā bibliotēka"


def test_a_coordinator_changes_organisations_and_agreements(coordinator_client, ogre):
    assert coordinator_client.get(reverse("admin:partners_organisation_add")).status_code == 200
    assert coordinator_client.get(reverse("admin:partners_agreement_add")).status_code == 200
    assert coordinator_client.get(reverse("admin:partners_staffmembership_add")).status_code == 200


def test_the_coordinator_role_comes_from_a_membership_not_from_staff_status(client, ogre):
    staff_only = StaffMembershipFactory(organisation=ogre).user
    client.force_login(staff_only)

    assert client.get(reverse("admin:partners_agreement_changelist")).status_code == 403


# --- Every registered admin of a model that belongs to an organisation is scoped --------------------------------


def belongs_to_organisation(model, depth=3):
    """A model with a forward relation to Organisation, directly or through the models it points to."""
    if depth == 0 or model is Organisation:
        return False
    for field in model._meta.get_fields():
        if not (field.is_relation and field.concrete and field.related_model):
            continue
        if field.related_model is Organisation or belongs_to_organisation(field.related_model, depth - 1):
            return True
    return False


def organisation_relations_besides_parent(inline, parent_model):
    parent_links = {
        f.name for f in inline.model._meta.get_fields() if f.is_relation and f.related_model is parent_model
    }
    return [
        field.name
        for field in inline.model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.name not in parent_links
        and (field.related_model is Organisation or belongs_to_organisation(field.related_model))
    ]


def registered_admins():
    # Import every app's admin module the way the admin site does, so the registry is complete.
    apps.get_app_config("admin").ready()
    return list(admin.site._registry.items())


def test_every_admin_of_a_model_that_belongs_to_an_organisation_is_scoped():
    unscoped = [
        f"{model._meta.label} ({type(model_admin).__name__})"
        for model, model_admin in registered_admins()
        if belongs_to_organisation(model)
        and not isinstance(model_admin, OrganisationScopedAdminMixin | CoordinatorOnlyAdminMixin)
    ]

    assert unscoped == [], "Add partners.admin.OrganisationScopedAdminMixin (or CoordinatorOnlyAdminMixin) to these"


def test_every_scoped_admin_names_a_real_path_to_an_organisation():
    for model, model_admin in registered_admins():
        if isinstance(model_admin, OrganisationScopedAdminMixin):
            path = model_admin.organisation_field
            assert path, f"{type(model_admin).__name__} needs organisation_field"
            assert model._default_manager.filter(**{f"{path}__in": []}).query is not None
            related = model
            for part in path.split("__"):
                related = related._meta.get_field(part).related_model
            assert related is Organisation, (
                f"{type(model_admin).__name__}.organisation_field does not end at Organisation"
            )


def test_every_inline_choosing_organisations_or_scoped_rows_is_scoped():
    unscoped = [
        f"{inline.__name__} in {type(model_admin).__name__}: {fields}"
        for model, model_admin in registered_admins()
        for inline in model_admin.inlines
        if (fields := organisation_relations_besides_parent(inline, model))
        and not issubclass(inline, OrganisationScopedInlineMixin)
    ]

    assert unscoped == []


def test_the_registry_check_recognises_a_model_that_belongs_to_an_organisation():
    from activities.models import Event

    assert belongs_to_organisation(Event)
    assert belongs_to_organisation(StaffMembership)
    assert not belongs_to_organisation(Organisation)
    assert not belongs_to_organisation(Group)


def test_moving_a_membership_to_another_person_moves_the_role(admin_client, librarian, ogre):
    successor = UserFactory(username="successor", is_staff=True)
    membership = librarian.memberships.get()

    admin_client.post(
        reverse("admin:partners_staffmembership_change", args=[membership.pk]),
        {"user": successor.pk, "organisation": ogre.pk, "role": StaffMembership.Role.LIBRARIAN},
    )

    assert list(successor.groups.values_list("name", flat=True)) == ["librarian"]
    assert not librarian.groups.exists()
