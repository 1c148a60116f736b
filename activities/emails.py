"""E-mails to registrants. Each is rendered in the active language: callers (the tasks) switch to the
registrant's language first. Registrants who left only a phone number get no e-mail; the organiser sees them in
the admin."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

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

    ALL = (CONFIRMED, WAITING, PROMOTED, REMINDER, EVENT_CANCELLED, EVENT_MOVED, SURVEY)


def _subject(kind: str, title: str) -> str:
    subjects = {
        Kind.CONFIRMED: _("You are registered: %(title)s"),
        Kind.WAITING: _("You are on the waiting list: %(title)s"),
        Kind.PROMOTED: _("A place is free for you: %(title)s"),
        Kind.REMINDER: _("Tomorrow: %(title)s"),
        Kind.EVENT_CANCELLED: _("Cancelled: %(title)s"),
        Kind.EVENT_MOVED: _("New time or place: %(title)s"),
        Kind.SURVEY: _("Was it helpful? %(title)s"),
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
    }
    # One line, whatever a translated title holds: a subject with a line break is refused by Django's mail.
    subject = " ".join(_subject(kind, event.title).split())
    if kind == Kind.SURVEY:
        context["survey_url"] = settings.SITE_URL + registration.get_survey_url()
        return subject, render_to_string("activities/email/survey_invitation.txt", context)
    return subject, render_to_string("activities/email/registration.txt", context)


def send_registration_email(registration: Registration, kind: str) -> bool:
    """Send the `kind` e-mail in the active language; False when the registrant gave no e-mail address."""
    if not registration.email:
        return False
    subject, body = registration_email(registration, kind)
    send_mail(subject, body, None, [registration.email])
    return True
