from base64 import b32encode
from urllib.parse import quote

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.services import backup_codes_renew
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN_URL = reverse("admin:login")
INDEX_URL = reverse("admin:index")
VERIFY_URL = reverse("admin:partners_two_factor_verify")
SETUP_URL = reverse("admin:partners_two_factor_setup")


def log_in(client, username, password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": INDEX_URL})


def current_code(device):
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()


# --- Lockout --------------------------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, librarian, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, librarian.username, "wrong").status_code == 200

    locked = log_in(client, librarian.username, "wrong")
    still_locked = log_in(client, librarian.username)

    assert locked.status_code == 429
    assert still_locked.status_code == 429
    assert "blocked" in still_locked.content.decode()
    assert AccessAttempt.objects.filter(username=librarian.username).exists()


def test_a_coordinator_unlocks_a_person_by_deleting_her_attempts(client, librarian, coordinator, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, librarian.username, "wrong")
    attempt = AccessAttempt.objects.get(username=librarian.username)

    client.force_login(coordinator)
    response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    client.logout()

    assert response.status_code == 302
    assert log_in(client, librarian.username).status_code == 302


def test_a_librarian_cannot_unlock_anyone(librarian_client):
    assert librarian_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_a_successful_login_clears_earlier_failures(client, librarian):
    log_in(client, librarian.username, "wrong")

    assert log_in(client, librarian.username).status_code == 302
    assert not AccessAttempt.objects.filter(username=librarian.username, failures_since_start__gt=0).exists()


# --- One-time passwords ---------------------------------------------------------------------------------------------


@pytest.fixture
def authenticator(librarian):
    return TOTPDevice.objects.create(user=librarian, name="Phone", confirmed=True)


def test_staff_with_an_authenticator_must_give_a_code_after_the_password(client, librarian, authenticator):
    log_in(client, librarian.username)

    response = client.get(INDEX_URL)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY_URL)


def test_the_staff_pages_ask_for_the_same_steps_as_the_admin(client, librarian, authenticator, coordinator, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    dashboard = reverse("staff:dashboard")
    log_in(client, librarian.username)
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)

    librarian_step = client.get(dashboard)
    coordinator_step = coordinator_client.get(dashboard)

    assert librarian_step.status_code == 302 and librarian_step.url == f"{VERIFY_URL}?next={quote(dashboard, safe='')}"
    assert coordinator_step.status_code == 302 and coordinator_step.url.startswith(SETUP_URL)


def test_a_wrong_code_is_refused_and_the_right_one_opens_the_admin(client, librarian, authenticator):
    log_in(client, librarian.username)

    wrong = client.post(VERIFY_URL, {"token": "000000", "next": INDEX_URL})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["token"]
    authenticator.refresh_from_db()
    authenticator.throttling_failure_count = 0
    authenticator.throttling_failure_timestamp = None
    authenticator.save()

    right = client.post(VERIFY_URL, {"token": current_code(authenticator), "next": INDEX_URL})

    assert right.status_code == 302
    assert client.get(INDEX_URL).status_code == 200


def test_the_verify_step_refuses_to_redirect_off_site(client, librarian, authenticator):
    log_in(client, librarian.username)

    response = client.post(VERIFY_URL, {"token": current_code(authenticator), "next": "https://evil.example/"})

    assert response.url == INDEX_URL


def test_staff_without_an_authenticator_are_not_asked_for_a_code(librarian_client):
    assert librarian_client.get(INDEX_URL).status_code == 200


@pytest.mark.parametrize("role", ["librarian", "coordinator", "superuser"])
def test_every_staff_role_must_set_up_an_authenticator_when_settings_require_it(client, request, settings, role):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(request.getfixturevalue(role))

    response = client.get(INDEX_URL)
    setup_page = client.get(SETUP_URL)

    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)
    assert setup_page.status_code == 200


def test_setting_up_an_authenticator_shows_a_qr_code_then_backup_codes_that_work_once(
    client, coordinator_client, coordinator, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    page = coordinator_client.get(SETUP_URL)
    assert page.status_code == 200
    assert page.context["qr_code"].startswith("data:image/svg+xml")
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

    done = coordinator_client.post(SETUP_URL, {"token": current_code(device), "next": INDEX_URL})

    codes = done.context["codes"]
    assert len(codes) == settings.OTP_BACKUP_CODES
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert coordinator_client.get(INDEX_URL).status_code == 200

    client.logout()
    log_in(client, coordinator.username)
    assert client.post(VERIFY_URL, {"token": codes[0], "next": INDEX_URL}).status_code == 302
    assert client.get(INDEX_URL).status_code == 200
    client.logout()
    log_in(client, coordinator.username)
    assert client.post(VERIFY_URL, {"token": codes[0], "next": INDEX_URL}).status_code == 200
    assert StaticDevice.objects.get(user=coordinator).token_set.count() == settings.OTP_BACKUP_CODES - 1


def test_a_wrong_setup_code_leaves_the_device_unconfirmed(coordinator_client, coordinator):
    coordinator_client.get(SETUP_URL)

    response = coordinator_client.post(SETUP_URL, {"token": "123", "next": INDEX_URL})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()


def test_changing_the_password_ends_the_other_sessions(client, django_user_model):
    user = UserFactory(username="anna", is_staff=True)
    other_device = client.__class__()
    other_device.force_login(user)
    client.force_login(user)

    client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Jauna parole pie Daugavas",
            "new_password2": "Jauna parole pie Daugavas",
        },
    )

    assert client.get(INDEX_URL).status_code == 200
    assert other_device.get(INDEX_URL).status_code == 302


def test_with_the_password_alone_nobody_pairs_a_new_authenticator(client, librarian, authenticator):
    log_in(client, librarian.username)

    page = client.get(SETUP_URL)
    attempt = client.post(SETUP_URL, {"token": "123456", "next": INDEX_URL})

    assert page.status_code == 302 and page.url.startswith(VERIFY_URL)
    assert attempt.status_code == 302 and attempt.url.startswith(VERIFY_URL)
    assert list(TOTPDevice.objects.filter(user=librarian)) == [authenticator]


def test_a_right_code_right_after_a_wrong_one_is_refused_saying_when_to_try_again(client, librarian, authenticator):
    log_in(client, librarian.username)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.post(VERIFY_URL, {"token": "000000", "next": INDEX_URL})
        traveller.shift(1)
        client.post(VERIFY_URL, {"token": "000001", "next": INDEX_URL})

        refused = client.post(VERIFY_URL, {"token": current_code(authenticator), "next": INDEX_URL})

        (message,) = refused.context["form"].errors["token"]
        assert "This code is wrong" not in message
        assert "Try again in 2 seconds" in message
        traveller.shift(2)
        accepted = client.post(VERIFY_URL, {"token": current_code(authenticator), "next": INDEX_URL})
    assert accepted.status_code == 302


def test_a_setup_code_right_after_a_wrong_one_is_refused_saying_when_to_try_again(coordinator_client, coordinator):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        coordinator_client.get(SETUP_URL)
        device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
        coordinator_client.post(SETUP_URL, {"token": "000000", "next": INDEX_URL})

        refused = coordinator_client.post(SETUP_URL, {"token": current_code(device), "next": INDEX_URL})

        (message,) = refused.context["form"].errors["token"]
        assert "does not match" not in message
        assert "Try again in 1 second" in message
        traveller.shift(1)
        accepted = coordinator_client.post(SETUP_URL, {"token": current_code(device), "next": INDEX_URL})
    assert len(accepted.context["codes"]) == 10


# --- Secrets stay with their owner ------------------------------------------------------------------------------------


def test_nobody_reads_another_persons_authenticator_key_in_the_admin(client, coordinator, superuser, authenticator):
    key_in_base32 = b32encode(authenticator.bin_key).decode().rstrip("=")
    for user in (coordinator, superuser):
        client.force_login(user)
        config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[authenticator.pk]))
        qr_code = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[authenticator.pk]))
        change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[authenticator.pk]))
        listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))

        assert (config.status_code, qr_code.status_code) == (403, 403)
        assert change.status_code == 200 and listing.status_code == 200
        for page in (change, listing):
            html = page.content.decode()
            assert authenticator.key not in html and key_in_base32 not in html
            assert "qrcode" not in html


def test_an_authenticator_page_of_a_device_that_does_not_exist_is_refused(client, superuser):
    client.force_login(superuser)

    for view in ("config", "qrcode"):
        assert client.get(reverse(f"admin:otp_totp_totpdevice_{view}", args=[99999])).status_code == 403


def test_nobody_adds_an_authenticator_or_backup_codes_for_another_person_in_the_admin(client, superuser):
    client.force_login(superuser)

    for model in ("otp_totp_totpdevice", "otp_static_staticdevice"):
        assert client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_backup_codes_are_never_shown_in_the_admin(client, coordinator, superuser, librarian):
    codes = backup_codes_renew(librarian)
    device = StaticDevice.objects.get(user=librarian)
    for user in (coordinator, superuser):
        client.force_login(user)

        change = client.get(reverse("admin:otp_static_staticdevice_change", args=[device.pk]))

        assert change.status_code == 200
        assert not any(code in change.content.decode() for code in codes)


def test_a_coordinator_removes_a_lost_authenticator(client, coordinator, authenticator):
    client.force_login(coordinator)

    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[authenticator.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=authenticator.pk).exists()
