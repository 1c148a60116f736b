"""An event in other people's calendars: the iCalendar VEVENT (RFC 5545) that every calendar file of the portal
carries, the feeds', the single event's and the e-mails' attachment alike, and the "add to Google Calendar" and
"add to Outlook" links. One UID per event everywhere, so a calendar that got the event twice keeps it once.
"""

import datetime
from urllib.parse import urlencode, urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from groundwork.wallclock import is_ambiguous

from .models import Event

PRODUCT_ID = "-//LIBRI Library Bridges//Events//EN"
GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR_URL = "https://outlook.live.com/calendar/0/deeplink/compose"
# Calendar links carry the text in their address: long descriptions are cut so that the link stays usable.
LINK_DETAILS_LENGTH = 1000


def event_uid(event: Event) -> str:
    """The event's iCalendar UID: it never changes, whatever is edited, so calendars update rather than add."""
    return f"event-{event.pk}@{urlsplit(settings.SITE_URL).hostname}"


def event_url(event: Event) -> str:
    return settings.SITE_URL + event.get_absolute_url()


def event_location(event: Event) -> str:
    if event.is_online:
        return event.online_url
    return ", ".join(part for part in (event.place_name, event.place.address_line) if part)


def access_line(event: Event) -> str:
    """ "Accessibility: step-free access, hearing loop", or nothing when no fact is ticked."""
    facts = event.access_fact_names_in_text
    return gettext("Accessibility: %s") % ", ".join(facts) if facts else ""


def event_categories(event: Event) -> list[str]:
    """The kind of event and each accessibility and practical fact that holds, in the active language."""
    return [str(event.get_kind_display()), *(str(fact.label) for fact in event.access_facts)]


def _description(event: Event, url: str) -> str:
    parts = [
        event.summary,
        event.description,
        gettext("Languages: %s") % ", ".join(event.language_names_in_text),
        access_line(event),
    ]
    if event.is_cancelled:
        parts.insert(0, gettext("This event has been cancelled."))
    return "\n\n".join([*(part for part in parts if part), url])


def calendar_time(instant: datetime.datetime) -> datetime.datetime:
    """The instant as wall-clock time of the site's zone (written with its TZID), or in UTC when that wall-clock time
    happens twice: RFC 5545 reads a repeated local time as its first occurrence, so the second 03:30 of the night
    the clocks go back would be read an hour early."""
    zone = timezone.get_default_timezone()
    if is_ambiguous(instant, zone):
        return instant.astimezone(datetime.UTC)
    return timezone.localtime(instant, zone)


def event_component(event: Event, *, stamp: datetime.datetime | None = None) -> icalendar.Event:
    """The event as a VEVENT in the active language (its text falls back to Latvian, then English).

    Without a METHOD on the calendar (feeds, the event's file) DTSTAMP is when the event was last revised
    (RFC 5545, 3.8.7.2): the same bytes until the event changes, which lets feeds answer conditional requests.
    A calendar with a METHOD (an e-mail's attachment) gives `stamp`, the moment the file is made."""
    url = event_url(event)
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", (stamp or event.updated_at).astimezone(datetime.UTC))
    component.add("created", event.created_at.astimezone(datetime.UTC))
    component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    component.add("dtstart", calendar_time(event.starts_at))
    component.add("dtend", calendar_time(event.ends_at))
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("description", _description(event, url))
    component.add("url", url)
    location = event_location(event)
    if location:
        component.add("location", location)
    place = event.place
    if not event.is_online and place.has_point:
        component.add("geo", (float(place.latitude), float(place.longitude)))
    component.add("categories", event_categories(event))
    if event.organiser.email:
        organiser = icalendar.vCalAddress(f"mailto:{event.organiser.email}")
        organiser.params["cn"] = event.organiser.name
        component.add("organizer", organiser)
    return component


def calendar_bytes(events, *, name: str, method: str | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE of the site's zone they refer to. `method` ("PUBLISH")
    for a file sent by e-mail (RFC 5546): the calendar program offers to add or update the event."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = None
    if method:
        calendar.add("method", method)
        stamp = timezone.now()
    # As text, escaped: an X- property would otherwise be written as it is, and a title may hold a line break.
    calendar.add("x-wr-calname", icalendar.vText(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    events = list(events)
    for event in events:
        calendar.add_component(event_component(event, stamp=stamp))
    if events:
        # The zone's rules only for the years the events span keep the VTIMEZONE short.
        first = min(event.starts_at for event in events).date() - datetime.timedelta(days=366)
        last = max(event.ends_at for event in events).date() + datetime.timedelta(days=366)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def _link_details(event: Event) -> str:
    text = "\n\n".join(part for part in (event.summary, event.description) if part)
    if len(text) > LINK_DETAILS_LENGTH:
        text = text[: LINK_DETAILS_LENGTH - 1].rstrip() + "…"
    return "\n\n".join(part for part in (text, event_url(event)) if part)


def google_calendar_url(event: Event) -> str:
    """ "Add to Google Calendar": its event template filled in, times in UTC (`…Z`), so no zone can be misread."""

    def utc(instant):
        return instant.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{utc(event.starts_at)}/{utc(event.ends_at)}",
        "details": _link_details(event),
        "location": event_location(event),
    }
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(query)}"


def outlook_calendar_url(event: Event) -> str:
    """ "Add to Outlook" (Outlook on the web, personal and work accounts alike): the compose form filled in, times
    in UTC."""

    def utc(instant):
        return instant.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    query = {
        "rru": "addevent",
        "subject": event.title,
        "startdt": utc(event.starts_at),
        "enddt": utc(event.ends_at),
        "body": _link_details(event),
        "location": event_location(event),
        "path": "/calendar/action/compose",
    }
    return f"{OUTLOOK_CALENDAR_URL}?{urlencode(query)}"
