"""Helpers of the registration tests: a factory for registrations and the data a person sends with the form."""

import time

import factory
from django.utils import timezone

from activities.forms import time_trap_stamp
from activities.models import Registration
from tests.factories import EventFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory, registration_required=True)
    name = factory.Sequence(lambda n: f"Olena {n}")
    email = factory.Sequence(lambda n: f"olena{n}@example.org")
    language = "uk"
    status = Registration.Status.CONFIRMED
    consent_at = factory.LazyFunction(timezone.now)


def form_data(event, **overrides):
    """What a person sends: the form handed out a minute ago, honeypot left empty."""
    data = {
        "name": "Olena",
        "email": "olena@example.org",
        "phone": "",
        "language": "uk",
        "needs": ["wheelchair"],
        "consent": "on",
        "website": "",
        "started": time_trap_stamp(event, at=time.time() - 60),
    }
    data.update(overrides)
    return data
