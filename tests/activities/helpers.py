"""Shared helpers of the event tests: Riga times, the frozen moment and the event admin's form data."""

import datetime
from zoneinfo import ZoneInfo

from activities.models import Event

RIGA = ZoneInfo("Europe/Riga")


# A Monday in October, when Riga is on summer time (UTC+03:00); winter time (UTC+02:00) starts on 26 October.
NOW = datetime.datetime(2025, 10, 6, 9, 0, tzinfo=RIGA)


def riga(*args):
    """An aware datetime in Riga time: riga(2025, 10, 14, 18) is 14 October 2025, 18:00 in Riga."""
    return datetime.datetime(*args, tzinfo=RIGA)


def change_form(event, **overrides):
    data = {
        "slug": event.slug,
        "kind": event.kind,
        "organiser": event.organiser_id,
        "status": event.status,
        "starts_at_0": "2025-10-14",
        "starts_at_1": "18:00",
        "ends_at_0": "2025-10-14",
        "ends_at_1": "20:00",
        "venue": event.venue,
        "venue_organisation": event.venue_organisation_id or "",
        "country": "LV",
        "languages": event.languages,
        "audience": event.audience,
        "title_lv": event.title_lv or "",
        "title_en": event.title_en or "",
        "title_uk": event.title_uk or "",
        "summary_en": event.summary_en or "",
        "summary_lv": event.summary_lv or "",
        "attendance-TOTAL_FORMS": "0",
        "attendance-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


LANGUAGES = ("lv", "en", "uk", "ru")


def event_form(organiser, **overrides):
    data = {
        "slug": "valodas-kafejnica-ogre",
        "kind": Event.Kind.LANGUAGE_CAFE,
        "organiser": organiser.pk,
        "status": Event.Status.DRAFT,
        "starts_at_0": "2025-10-14",
        "starts_at_1": "18:00",
        "ends_at_0": "2025-10-14",
        "ends_at_1": "20:00",
        "venue": Event.Venue.ORGANISATION,
        "country": "LV",
        "languages": ["lv", "uk"],
        "audience": ["tcn"],
        "capacity": "20",
    }
    titles = {
        "lv": "Valodas kafejnīca",
        "en": "Language café",
        "uk": "Мовне кафе",
        "ru": "Языковое кафе",
    }
    for code in LANGUAGES:
        data[f"title_{code}"] = titles[code]
        data[f"summary_{code}"] = f"{titles[code]} ({code})"
    data.update(overrides)
    return data
