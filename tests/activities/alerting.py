"""Helpers of the alert tests: a factory for alerts, a visitor sending the sign-up form, links read from e-mails."""

import re
import time

import factory
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import EventAlert


class EventAlertFactory(factory.django.DjangoModelFactory):
    """A confirmed alert for every event; pass filters and `confirmed_at=None` as needed."""

    class Meta:
        model = EventAlert

    email = factory.Sequence(lambda n: f"olena{n}@example.org")
    language = "uk"
    confirmed_at = factory.LazyFunction(timezone.now)


def signup_url(language="en", query=""):
    with translation.override(language):
        return reverse("activities:alert_signup") + query


def stamp_of(page):
    return re.search(r'name="form_started" value="([^"]+)"', page.content.decode())[1]


def sign_up(client, *, language="en", query="", after=30, **fields):
    """Open the sign-up page (with the list's `query`), fill it in for `after` seconds and send it."""
    stamp = stamp_of(client.get(signup_url(language, query)))
    data = {
        "email": "olena@example.org",
        "event_language": "uk",
        "city": "",
        "library": "",
        "kind": "",
        "audience": "",
        "frequency": "immediate",
        "homepage": "",
        "form_started": stamp,
    }
    data.update(fields)
    with time_machine.travel(time.time() + after, tick=False), committed():
        return client.post(signup_url(language), data)


def committed():
    """Run what is enqueued after commit at the end of the block, as the end of a request's transaction does."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def links_in(message):
    return re.findall(r"https?://\S+", message.body)


def link_in(message, fragment):
    """The one link of the e-mail whose address holds `fragment`, as a path."""
    found = [link for link in links_in(message) if fragment in link]
    assert len(found) == 1, found
    return re.sub(r"^https?://[^/]+", "", found[0])


def alert_mails():
    """The e-mails that announce or cancel events (they carry List-Unsubscribe), leaving out confirmations."""
    return [message for message in mail.outbox if "List-Unsubscribe" in message.extra_headers]
