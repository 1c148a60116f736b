import pytest
from django.test import Client
from django.urls import reverse

from partners.models import Agreement, Organisation, StaffMembership
from tests.factories import AgreementFactory, OrganisationFactory, StaffMembershipFactory, UserFactory
from tests.partners.helpers import organisation_form

pytestmark = pytest.mark.django_db


def test_an_organisation_change_is_recorded_with_who_and_what_in_every_language(coordinator_client, coordinator):
    coordinator_client.post(reverse("admin:partners_organisation_add"), organisation_form())
    organisation = Organisation.objects.get(slug="ogres-centrala-biblioteka")

    coordinator_client.post(
        reverse("admin:partners_organisation_change", args=[organisation.pk]),
        organisation_form(name_uk="Центральна бібліотека міста Огре"),
    )

    latest, first = organisation.history.all()[:2]
    assert (first.history_type, latest.history_type) == ("+", "~")
    assert latest.history_user == coordinator
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(first).changes}
    assert changes == {"name_uk": ("Центральна бібліотека Огре", "Центральна бібліотека міста Огре")}


def test_the_history_page_lists_the_changes(coordinator_client, coordinator):
    organisation = OrganisationFactory()
    saved = coordinator_client.post(
        reverse("admin:partners_organisation_change", args=[organisation.pk]), organisation_form()
    )

    response = coordinator_client.get(reverse("admin:partners_organisation_history", args=[organisation.pk]))

    assert saved.status_code == 302
    assert response.status_code == 200
    table = response.content.decode().split('<table id="change-history"')[1].split("</table>")[0]
    changed, created = table.split("<tbody>")[1].split("<tr>")[1:]
    # The change, newest first: who made it and what it changed, in every language.
    assert "Changed" in changed and f">{coordinator.username}</a>" in changed
    assert "<strong>Name [uk]:</strong>" in changed and "Центральна бібліотека Огре" in changed
    assert "Created" in created and coordinator.username not in created


def test_agreement_parties_are_part_of_its_history(coordinator_client):
    ogre, jelgava, kisc = OrganisationFactory.create_batch(3)
    agreement = AgreementFactory(parties=[ogre, jelgava])
    data = {
        "kind": agreement.kind,
        "slug": agreement.slug,
        "title_lv": agreement.title,
        "parties": [ogre.pk, jelgava.pk, kisc.pk],
        "signed_on": "2025-02-14",
    }

    coordinator_client.post(reverse("admin:partners_agreement_change", args=[agreement.pk]), data)

    latest = Agreement.history.filter(id=agreement.pk).first()
    assert {party.organisation_id for party in latest.parties.all()} == {ogre.pk, jelgava.pk, kisc.pk}


def test_a_deleted_membership_stays_in_the_trail(admin_client, superuser):
    membership = StaffMembershipFactory(user=UserFactory(username="anna"))

    admin_client.post(reverse("admin:partners_staffmembership_delete", args=[membership.pk]), {"post": "yes"})

    deleted = StaffMembership.history.get(id=membership.pk, history_type="-")
    assert deleted.history_user == superuser
    assert deleted.user.username == "anna"


def test_a_librarian_cannot_read_the_agreement_history(librarian_client):
    agreement = AgreementFactory()

    assert librarian_client.get(reverse("admin:partners_agreement_history", args=[agreement.pk])).status_code == 403


def history_admins():
    from django.apps import apps
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    apps.get_app_config("admin").ready()
    return sorted(
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    )


def test_six_admins_keep_an_audit_trail():
    assert len(history_admins()) == 6


@pytest.mark.parametrize("prefix", history_admins())
@pytest.mark.parametrize(
    ("view", "args", "status"),
    [
        ("history", ["abc"], 404),
        ("history", ["1.5"], 404),
        ("simple_history", ["abc", "1"], 404),
        ("simple_history", ["1", "abc"], 404),
        # No address may hold a NUL character (groundwork.middleware).
        ("history", ["\x00"], 400),
        ("simple_history", ["1", "\x00"], 400),
    ],
)
@pytest.mark.parametrize("role", ["superuser", "librarian"])
def test_an_audit_trail_address_with_an_id_that_is_no_id_is_not_found(
    client, request, prefix, view, args, status, role
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse(f"admin:{prefix}_{view}", args=args))

    assert response.status_code == status


def revert_data(organisation, **changes):
    """What the form of an earlier version of `organisation` sends when reverted to it, with `changes`."""
    data = organisation_form(slug=organisation.slug)
    data.update(changes)
    return data


def test_a_librarian_cannot_revert_an_organisation_she_may_only_see(librarian_client, ogre, jelgava):
    # Only coordinators change organisations; a librarian sees them read only, her own one included.
    for organisation in (jelgava, ogre):
        version = organisation.history.earliest()
        page = reverse("admin:partners_organisation_simple_history", args=[organisation.pk, version.history_id])

        reverted = librarian_client.post(page, revert_data(organisation, name_lv="Pārņemts"))

        assert reverted.status_code == 403
        organisation.refresh_from_db()
        assert organisation.name_lv != "Pārņemts"


def test_a_librarian_reads_the_trail_of_her_own_library_only(librarian_client, ogre, jelgava):
    own = reverse("admin:partners_organisation_history", args=[ogre.pk])
    other = reverse("admin:partners_organisation_history", args=[jelgava.pk])
    other_version = reverse(
        "admin:partners_organisation_simple_history", args=[jelgava.pk, jelgava.history.earliest().history_id]
    )

    assert librarian_client.get(own).status_code == 200
    assert librarian_client.get(other).status_code == 403
    assert librarian_client.get(other_version).status_code == 403


def test_a_coordinator_cannot_revert_a_colleagues_membership(coordinator_client, kisc, librarian):
    colleague = StaffMembershipFactory(
        user=UserFactory(username="kisc-colleague", is_staff=True), organisation=kisc, role="coordinator"
    )
    version = colleague.history.earliest()
    page = reverse("admin:partners_staffmembership_simple_history", args=[colleague.pk, version.history_id])

    reverted = coordinator_client.post(
        page, {"organisation": kisc.pk, "role": StaffMembership.Role.LIBRARIAN, "user": librarian.pk}
    )

    assert reverted.status_code == 403
    colleague.refresh_from_db()
    assert (colleague.user.username, colleague.role) == ("kisc-colleague", "coordinator")


def test_a_coordinator_reverts_an_organisation_to_an_earlier_version(coordinator_client, ogre):
    coordinator_client.post(
        reverse("admin:partners_organisation_change", args=[ogre.pk]),
        revert_data(ogre, name_lv="Ogres bibliotēka (kļūda)"),
    )
    version = ogre.history.earliest()
    page = reverse("admin:partners_organisation_simple_history", args=[ogre.pk, version.history_id])

    reverted = coordinator_client.post(page, revert_data(ogre, name_lv="Ogres Centrālā bibliotēka"))

    assert reverted.status_code == 302
    ogre.refresh_from_db()
    assert ogre.name_lv == "Ogres Centrālā bibliotēka"


def test_a_deleted_organisations_earlier_version_can_still_be_opened_and_restored_by_a_coordinator(
    coordinator_client, librarian, jelgava
):
    librarian_client = Client()
    librarian_client.force_login(librarian)
    pk, version = jelgava.pk, jelgava.history.earliest()
    jelgava.delete()
    page = reverse("admin:partners_organisation_simple_history", args=[pk, version.history_id])

    assert coordinator_client.get(page).status_code == 200
    assert librarian_client.post(page, revert_data(version.instance)).status_code == 403
    assert not Organisation.objects.filter(pk=pk).exists()
    restored = coordinator_client.post(page, revert_data(version.instance))
    assert restored.status_code == 302
    assert Organisation.objects.filter(pk=pk).exists()
