"""E-mails to registrants. Each is rendered in the active language: callers (the tasks) switch to the
registrant's language first. Registrants who left only a phone number get no e-mail; the organiser sees them in
the admin."""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import calendar
from .models import Registration


class Kind:
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    PROMOTED = "promoted"
    REMINDER = "reminder"
    EVENT_CANCELLED = "event_cancelled"
    EVENT_MOVED = "event_moved"
    # After the event: was it helpful? (templates/activities/email/survey_invitation.txt)
    SURVEY = "survey"
    # The form was sent again with an address registered already: she is told here, never on the form's answer.
    ALREADY_REGISTERED = "already_registered"

    ALL = (CONFIRMED, WAITING, PROMOTED, REMINDER, EVENT_CANCELLED, EVENT_MOVED, SURVEY, ALREADY_REGISTERED)
    # Those that give the registrant the event for her calendar (a cancellation or move updates her copy, same UID).
    WITH_CALENDAR = (CONFIRMED, PROMOTED, EVENT_CANCELLED, EVENT_MOVED)


def _subject(kind: str, title: str) -> str:
    subjects = {
        Kind.CONFIRMED: _("You are registered: %(title)s"),
        Kind.WAITING: _("You are on the waiting list: %(title)s"),
        Kind.PROMOTED: _("A place is free for you: %(title)s"),
        Kind.REMINDER: _("Tomorrow: %(title)s"),
        Kind.EVENT_CANCELLED: _("Cancelled: %(title)s"),
        Kind.EVENT_MOVED: _("New time or place: %(title)s"),
        Kind.SURVEY: _("Was it helpful? %(title)s"),
        Kind.ALREADY_REGISTERED: _("You are already registered: %(title)s"),
    }
    return subjects[kind] % {"title": title}


def registration_email(registration: Registration, kind: str) -> tuple[str, str]:
    """The subject and plain-text body of the `kind` e-mail to `registration`, in the active language."""
    if kind not in Kind.ALL:
        raise ValueError(f"unknown registration e-mail: {kind}")
    event = registration.event
    context = {
        "kind": kind,
        "registration": registration,
        "event": event,
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        "manage_url": settings.SITE_URL + registration.get_manage_url(),
        "waiting_position": registration.waiting_position,
        "calendar_links": kind in Kind.WITH_CALENDAR and not event.is_cancelled,
        "google_calendar_url": calendar.google_calendar_url(event),
        "outlook_calendar_url": calendar.outlook_calendar_url(event),
    }
    # One line, whatever a translated title holds: a subject with a line break is refused by Django's mail.
    subject = " ".join(_subject(kind, event.title).split())
    if kind == Kind.SURVEY:
        context["survey_url"] = settings.SITE_URL + registration.get_survey_url()
        return subject, render_to_string("activities/email/survey_invitation.txt", context)
    return subject, render_to_string("activities/email/registration.txt", context)


def calendar_attachment(registration: Registration) -> MIMEText:
    """The event as an iCalendar file to add with one click (METHOD:PUBLISH, RFC 5546), the feeds' VEVENT with the
    feeds' UID: a calendar that subscribed to a feed too keeps one copy."""
    event = registration.event
    ics = calendar.calendar_bytes([event], name=f"LIBRI: {event.title}", method="PUBLISH").decode()
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", "PUBLISH")
    part.add_header("Content-Disposition", "attachment", filename=f"{event.slug}.ics")
    return part


def send_registration_email(registration: Registration, kind: str) -> bool:
    """Send the `kind` e-mail in the active language, with the event's calendar file when it says the place is
    hers or the event changed; False when the registrant gave no e-mail address."""
    if not registration.email:
        return False
    subject, body = registration_email(registration, kind)
    message = EmailMessage(subject, body, None, [registration.email])
    if kind in Kind.WITH_CALENDAR:
        message.attach(calendar_attachment(registration))
    message.send()
    return True
