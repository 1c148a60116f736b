"""Shared helpers of the partner tests: staff members with their role, and the organisation admin's form data."""

from partners.models import Organisation
from partners.roles import sync_user_groups
from tests.factories import StaffMembershipFactory


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
