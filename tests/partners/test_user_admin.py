"""Accounts in the admin: nobody but a superuser gives superuser status, groups or permissions, and a coordinator
changes, resets or strips the authenticators of librarians' accounts only, never a superuser's or a colleague's."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import StaffMembership
from tests.partners.helpers import staff_member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase for root"


def change_url(account):
    return reverse("admin:auth_user_change", args=[account.pk])


def password_url(account):
    return reverse("admin:auth_user_password_change", args=[account.pk])


def signs_in(username, password):
    """Whether the admin's login form lets `username` in with `password`."""
    response = Client().post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"})
    return response.status_code == 302


def account_form(account, **changes):
    """What the user page posts back for `account`, with every field the stock form has, and `changes`."""
    form = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": list(account.groups.values_list("pk", flat=True)),
        "date_joined_0": account.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": account.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    form.update(changes)
    return form


@pytest.fixture
def manage_alerts():
    return Permission.objects.get(content_type__app_label="activities", codename="manage_alerts")


@pytest.fixture
def colleague(kisc):
    return staff_member(kisc, StaffMembership.Role.COORDINATOR, "kisc-colleague")


# --- No escalation --------------------------------------------------------------------------------------------------


def test_a_coordinator_cannot_make_herself_superuser_or_give_herself_permissions(
    coordinator_client, coordinator, manage_alerts
):
    page = coordinator_client.get(change_url(coordinator))
    coordinator_group = Group.objects.get(name="coordinator")

    response = coordinator_client.post(
        change_url(coordinator),
        account_form(
            coordinator,
            first_name="Kristīne",
            is_superuser="on",
            user_permissions=[manage_alerts.pk],
            groups=[coordinator_group.pk, Group.objects.get(name="librarian").pk],
        ),
    )

    coordinator.refresh_from_db()
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="user_permissions"' not in page.content.decode()
    assert response.status_code == 302
    assert coordinator.first_name == "Kristīne", "her own name is hers to change"
    assert not coordinator.is_superuser
    assert not coordinator.user_permissions.exists()
    assert list(coordinator.groups.all()) == [coordinator_group]


def test_a_coordinator_cannot_give_a_librarian_permissions_groups_or_superuser_status(
    coordinator_client, librarian, manage_alerts
):
    response = coordinator_client.post(
        change_url(librarian),
        account_form(
            librarian,
            last_name="Ozola",
            is_superuser="on",
            user_permissions=[manage_alerts.pk],
            groups=[Group.objects.get(name="coordinator").pk],
        ),
    )

    librarian.refresh_from_db()
    assert response.status_code == 302
    assert librarian.last_name == "Ozola"
    assert not librarian.is_superuser
    assert not librarian.user_permissions.exists()
    assert list(librarian.groups.values_list("name", flat=True)) == ["librarian"]


def test_a_coordinator_cannot_change_a_superusers_account(coordinator_client, superuser):
    page = coordinator_client.get(change_url(superuser))

    response = coordinator_client.post(change_url(superuser), account_form(superuser, is_active=""))

    superuser.refresh_from_db()
    assert page.status_code == 200, "she sees the account"
    assert 'name="username"' not in page.content.decode(), "read only"
    assert response.status_code == 403
    assert superuser.is_active


def test_a_coordinator_cannot_change_another_coordinators_account(coordinator_client, colleague):
    response = coordinator_client.post(change_url(colleague), account_form(colleague, email="mine@example.org"))

    colleague.refresh_from_db()
    assert response.status_code == 403
    assert colleague.email == "kisc-colleague@example.org"


# --- No takeover ----------------------------------------------------------------------------------------------------


def test_a_coordinator_cannot_reset_a_superusers_password(coordinator_client, superuser):
    page = coordinator_client.get(password_url(superuser))
    response = coordinator_client.post(
        password_url(superuser), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    assert (page.status_code, response.status_code) == (403, 403)
    assert not signs_in(superuser.username, NEW_PASSWORD)


def test_a_coordinator_cannot_reset_another_coordinators_password(coordinator_client, colleague):
    response = coordinator_client.post(
        password_url(colleague), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    assert response.status_code == 403
    assert not signs_in(colleague.username, NEW_PASSWORD)


def test_a_coordinator_changes_her_own_password_only_where_the_current_one_is_asked(coordinator_client, coordinator):
    response = coordinator_client.post(
        password_url(coordinator), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:password_change")
    assert not signs_in(coordinator.username, NEW_PASSWORD)


def test_a_coordinator_cannot_delete_a_superusers_authenticator_or_backup_codes(coordinator_client, superuser):
    authenticator = TOTPDevice.objects.create(user=superuser, name="Phone", confirmed=True)
    backup = StaticDevice.objects.create(user=superuser, name="Backup codes", confirmed=True)

    one = coordinator_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[authenticator.pk]), {"post": "yes"})
    other = coordinator_client.post(reverse("admin:otp_static_staticdevice_delete", args=[backup.pk]), {"post": "yes"})
    in_bulk = coordinator_client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [authenticator.pk], "post": "yes"},
    )

    assert (one.status_code, other.status_code) == (403, 403)
    assert in_bulk.status_code == 403
    assert TOTPDevice.objects.filter(pk=authenticator.pk).exists()
    assert StaticDevice.objects.filter(pk=backup.pk).exists()


def test_a_coordinator_cannot_delete_another_coordinators_authenticator(coordinator_client, colleague):
    device = TOTPDevice.objects.create(user=colleague, name="Phone", confirmed=True)

    response = coordinator_client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_coordinator_cannot_unlock_a_superusers_login(coordinator_client, superuser):
    attempt = AccessAttempt.objects.create(
        username=superuser.username.upper(), ip_address="203.0.113.9", user_agent="probe", failures_since_start=5
    )

    response = coordinator_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_a_coordinator_cannot_take_over_a_colleague_through_her_membership(coordinator_client, colleague, ogre):
    membership = colleague.memberships.get()

    demoted = coordinator_client.post(
        reverse("admin:partners_staffmembership_change", args=[membership.pk]),
        {"user": colleague.pk, "organisation": membership.organisation_id, "role": StaffMembership.Role.LIBRARIAN},
    )
    deleted = coordinator_client.post(
        reverse("admin:partners_staffmembership_delete", args=[membership.pk]), {"post": "yes"}
    )
    added = coordinator_client.post(
        reverse("admin:partners_staffmembership_add"),
        {"user": colleague.pk, "organisation": ogre.pk, "role": StaffMembership.Role.LIBRARIAN},
    )

    assert (demoted.status_code, deleted.status_code) == (403, 403)
    assert added.status_code == 200 and "user" in added.context["adminform"].form.errors
    assert list(colleague.memberships.values_list("role", flat=True)) == [StaffMembership.Role.COORDINATOR]


# --- What a coordinator still does ----------------------------------------------------------------------------------


def test_a_coordinator_adds_an_account(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:auth_user_add"),
        {"username": "jauna", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert get_user_model().objects.get(username="jauna").check_password(NEW_PASSWORD)


def test_a_coordinator_resets_a_librarians_password_and_deactivates_her(coordinator_client, librarian):
    reset = coordinator_client.post(
        password_url(librarian), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert reset.status_code == 302
    assert signs_in(librarian.username, NEW_PASSWORD)

    deactivated = coordinator_client.post(change_url(librarian), account_form(librarian, is_active=""))

    librarian.refresh_from_db()
    assert deactivated.status_code == 302
    assert not librarian.is_active


def test_a_coordinator_removes_a_librarians_lost_backup_codes(coordinator_client, librarian):
    backup = StaticDevice.objects.create(user=librarian, name="Backup codes", confirmed=True)

    response = coordinator_client.post(
        reverse("admin:otp_static_staticdevice_delete", args=[backup.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not StaticDevice.objects.filter(pk=backup.pk).exists()


def test_a_coordinator_gives_a_librarian_a_membership_of_another_library(coordinator_client, librarian, jelgava):
    response = coordinator_client.post(
        reverse("admin:partners_staffmembership_add"),
        {"user": librarian.pk, "organisation": jelgava.pk, "role": StaffMembership.Role.LIBRARIAN},
    )

    assert response.status_code == 302
    assert set(librarian.memberships.values_list("organisation__slug", flat=True)) == {"ogre", "jelgava"}


def test_a_superuser_gives_a_coordinator_the_permission_to_manage_alerts(admin_client, coordinator, manage_alerts):
    response = admin_client.post(
        change_url(coordinator), account_form(coordinator, user_permissions=[manage_alerts.pk])
    )

    assert response.status_code == 302
    assert list(coordinator.user_permissions.all()) == [manage_alerts]


def test_an_account_given_a_permission_of_its_own_is_beyond_a_coordinators_reach(
    coordinator_client, librarian, manage_alerts
):
    librarian.user_permissions.add(manage_alerts)

    response = coordinator_client.post(password_url(librarian), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 403


def test_the_permission_to_manage_alerts_is_listed_in_the_language_of_the_admin(client, superuser, coordinator):
    client.force_login(superuser)

    page = client.get(change_url(coordinator), headers={"accept-language": "lv"})

    assert "Var redzēt un pārvaldīt pasākumu paziņojumu adreses" in page.content.decode()
    assert "Can see and manage the addresses of event alerts" not in page.content.decode()
