"""Shared helpers of the partner tests: staff members with their role, logging in with both steps, and the
organisation admin's form data."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import Organisation
from partners.roles import sync_user_groups
from tests.factories import StaffMembershipFactory

# Every user the factories make has this password.
PASSWORD = "correct horse battery staple"


def organisation_form(**overrides):
    data = {
        "kind": Organisation.Kind.PARTNER_LIBRARY,
        "slug": "ogres-centrala-biblioteka",
        "website": "https://www.ogresbiblioteka.lv",
        "email": "info@example.org",
        "phone": "+371 65000000",
        "street_address": "Brīvības iela 33",
        "postal_code": "LV-5001",
        "city": "Ogre",
        "country": "LV",
        "latitude": "56.81620",
        "longitude": "24.61401",
    }
    names = {
        "lv": ("Ogres Centrālā bibliotēka", "Ogres bibliotēka", "Pilsētas bibliotēka."),
        "en": ("Ogre Central Library", "Ogre library", "The town library."),
        "uk": ("Центральна бібліотека Огре", "Бібліотека Огре", "Міська бібліотека."),
        "ru": ("Центральная библиотека Огре", "Библиотека Огре", "Городская библиотека."),
    }
    for code, (name, short_name, description) in names.items():
        data[f"name_{code}"] = name
        data[f"short_name_{code}"] = short_name
        data[f"description_{code}"] = description
    data.update(overrides)
    return data


def staff_member(organisation, role, username):
    membership = StaffMembershipFactory(user__username=username, organisation=organisation, role=role)
    sync_user_groups(membership.user)
    return membership.user


def force_login_with_code(client, user):
    """Log `user` in with both steps, as `force_login` does the password step: her session is marked verified by an
    authenticator of hers (paired here if she has none), as the admin's verification page marks it."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Phone", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device):
    """The code the authenticator app paired with `device` shows now."""
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
