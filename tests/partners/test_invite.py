import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from partners.models import StaffMembership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INVITE_URL = reverse("admin:partners_staffmembership_invite")
NEW_PASSWORD = "Lasītava pie Daugavas 2025"


def invite(client, organisation, captured, **overrides):
    data = {
        "email": "Anna.Berzina@ogre.example.org",
        "first_name": "Anna",
        "last_name": "Bērziņa",
        "organisation": organisation.pk,
        "role": StaffMembership.Role.LIBRARIAN,
        **overrides,
    }
    with captured(execute=True):
        return client.post(INVITE_URL, data)


def link_in(message):
    return re.search(r"https?://\S+", message.body).group(0).removeprefix(settings.SITE_URL)


def test_coordinator_invites_a_librarian_who_gets_an_account_in_her_library(
    coordinator_client, ogre, django_capture_on_commit_callbacks
):
    response = invite(coordinator_client, ogre, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="Anna.Berzina@ogre.example.org")
    assert user.username == "anna.berzina@ogre.example.org"
    assert user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert list(user.memberships.values_list("organisation", "role")) == [(ogre.pk, "librarian")]
    assert user.has_perm("activities.add_event")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Anna.Berzina@ogre.example.org"]
    assert "/set-password/" in mail.outbox[0].body


def test_the_link_sets_a_password_once(client, coordinator_client, ogre, django_capture_on_commit_callbacks):
    invite(coordinator_client, ogre, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:login")
    login = client.post(reverse("admin:login"), {"username": "anna.berzina@ogre.example.org", "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_the_link_expires(client, coordinator_client, ogre, django_capture_on_commit_callbacks):
    invite(coordinator_client, ogre, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()

    # A day's margin: travelling to an aware datetime also moves the local time zone, and naive times with it.
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)
    with time_machine.travel(later):
        assert not client.get(link, follow=True).context["validlink"]


def test_the_password_must_pass_the_validators(client, coordinator_client, ogre, django_capture_on_commit_callbacks):
    invite(coordinator_client, ogre, django_capture_on_commit_callbacks)
    client.logout()
    form_page = client.get(link_in(mail.outbox[0]), follow=True)

    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "ogre", "new_password2": "ogre"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_an_existing_address_is_a_form_error_not_a_second_account(
    coordinator_client, ogre, django_capture_on_commit_callbacks
):
    UserFactory(username="anna", email="anna.berzina@ogre.example.org")

    response = invite(coordinator_client, ogre, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert get_user_model().objects.filter(email__iexact="anna.berzina@ogre.example.org").count() == 1
    assert mail.outbox == []


def test_a_librarian_cannot_invite(librarian_client, ogre):
    assert librarian_client.get(INVITE_URL).status_code == 403


def test_the_membership_list_offers_the_invitation_to_coordinators(coordinator_client):
    response = coordinator_client.get(reverse("admin:partners_staffmembership_changelist"))

    assert INVITE_URL in response.content.decode()
    assert coordinator_client.get(INVITE_URL).status_code == 200


def resend(client, memberships, captured):
    with captured(execute=True):
        return client.post(
            reverse("admin:partners_staffmembership_changelist"),
            {"action": "resend_invitations", "_selected_action": [membership.pk for membership in memberships]},
            follow=True,
        )


def test_a_coordinator_sends_an_expired_invitation_again_and_the_new_link_works(
    client, coordinator_client, coordinator, ogre, django_capture_on_commit_callbacks
):
    invite(coordinator_client, ogre, django_capture_on_commit_callbacks)
    expired = link_in(mail.outbox[0])
    membership = StaffMembership.objects.get(user__email="Anna.Berzina@ogre.example.org")
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)

    with time_machine.travel(later):
        coordinator_client.force_login(coordinator)  # her session from the day of the invitation has expired
        response = resend(coordinator_client, [membership], django_capture_on_commit_callbacks)
        fresh = link_in(mail.outbox[1])
        client.logout()
        assert not client.get(expired, follow=True).context["validlink"]
        assert client.get(fresh, follow=True).context["validlink"]

    assert "Invitation sent again to Anna.Berzina@ogre.example.org." in response.content.decode()
    assert mail.outbox[1].to == ["Anna.Berzina@ogre.example.org"]


def test_nobody_with_a_password_gets_an_invitation_again(coordinator_client, ogre, django_capture_on_commit_callbacks):
    user = UserFactory(username="ilze", email="ilze@ogre.example.org", is_staff=True)
    membership = StaffMembership.objects.create(user=user, organisation=ogre, role=StaffMembership.Role.LIBRARIAN)

    response = resend(coordinator_client, [membership], django_capture_on_commit_callbacks)

    assert not mail.outbox
    assert "Not sent to ilze@ogre.example.org: they have set a password already" in response.content.decode()


def test_a_librarian_has_no_invitation_action(client, coordinator, librarian, ogre, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    invite(client, ogre, django_capture_on_commit_callbacks)
    pending = StaffMembership.objects.get(user__email="Anna.Berzina@ogre.example.org")  # of her own library
    mail.outbox.clear()
    client.force_login(librarian)

    changelist = client.get(reverse("admin:partners_staffmembership_changelist"))
    refused = resend(client, [pending], django_capture_on_commit_callbacks)

    assert changelist.status_code == 403
    assert refused.status_code == 403
    assert not mail.outbox
    # The same request from a coordinator sends the invitation: the refusal is the librarian's.
    client.force_login(coordinator)
    resend(client, [pending], django_capture_on_commit_callbacks)
    assert [message.to for message in mail.outbox] == [["Anna.Berzina@ogre.example.org"]]
