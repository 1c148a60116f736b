"""Helpers of the registration tests: a factory for registrations and a person sending the form."""

import re
import time

import factory
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

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


def register_url(event, language="en"):
    with translation.override(language):
        return reverse("activities:event_register", kwargs={"slug": event.slug})


def stamp_of(page):
    """The time stamp a rendered registration page hands out with its form."""
    return re.search(r'name="form_started" value="([^"]+)"', page.content.decode())[1]


def form_data(**overrides):
    """What a person sends, honeypot left empty; the time stamp comes from the page she opened."""
    data = {
        "name": "Olena",
        "email": "olena@example.org",
        "phone": "",
        "language": "uk",
        "needs": ["wheelchair"],
        "consent": "on",
        "homepage": "",
    }
    data.update(overrides)
    return data


def register(client, event, *, after=60, language="en", opened_on=None, follow=False, **overrides):
    """Open the registration page of `opened_on` (the same event by default), fill the form in for `after` seconds
    and send it to `event`'s page. The clock is back at the opening time afterwards."""
    stamp = stamp_of(client.get(register_url(opened_on or event, language)))
    with time_machine.travel(time.time() + after, tick=False):
        return client.post(register_url(event, language), form_data(form_started=stamp, **overrides), follow=follow)
