"""E-mails of the alerts for new events: the confirmation of a sign-up, the announcement of one event, its
cancellation and the weekly summary, each rendered in the active language (the callers switch to the subscriber's).

Every e-mail sent to a confirmed alert carries a one-click unsubscribe (RFC 8058: a `List-Unsubscribe` https link
that takes a POST, and `List-Unsubscribe-Post`) and, in its text, the signed link to change the filters.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ALERT_CONFIRMATION_DAYS, ALERT_MANAGE_SALT, ALERT_UNSUBSCRIBE_SALT, Event, EventAlert

# Stand-ins for a subscriber's own links in a text rendered once for everyone who gets the same event in the same
# language: rendering the template once per language rather than once per person keeps an announcement to many
# thousands of people cheap.
_MANAGE = "\x00manage\x00"
_UNSUBSCRIBE = "\x00unsubscribe\x00"
# In a reversed address, where the signed token goes; a signed token (base64 and colons) never holds a tilde.
_SIGNED = "~signed~"


def _one_line(text: str) -> str:
    # A subject with a line break is refused by Django's mail, whatever a translated title holds.
    return " ".join(text.split())


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # Tells mail programs and autoresponders that no person wrote this (RFC 3834): no out-of-office replies.
        "Auto-Submitted": "auto-generated",
    }


def confirmation_message(alert: EventAlert) -> EmailMessage:
    """The one e-mail sent before the person confirmed: the confirmation link and nothing else."""
    context = {
        "alert": alert,
        "confirm_url": settings.SITE_URL + alert.get_confirm_url(),
        "events_url": settings.SITE_URL + alert.get_events_url(),
        "days": ALERT_CONFIRMATION_DAYS,
    }
    body = render_to_string("activities/email/alert_confirm.txt", context)
    return EmailMessage(_("Confirm your alert for new events"), body, None, [alert.email])


class EventMessages:
    """Builds the announcement (or cancellation) of one event for many alerts: the text and the address of each
    link page are made once per language, then each person's signed links are put in."""

    def __init__(
        self,
        event: Event,
        *,
        cancelled: bool = False,
        others: list[Event] | tuple[Event, ...] = (),
        more_dates: bool = False,
    ):
        """`others`: the other dates of the event's series to name, still to come (published ones only).
        `more_dates`: the announcement of new dates of a series the person has been told of before."""
        self.event = event
        self.cancelled = cancelled
        self.others = others
        self.more_dates = more_dates
        self._texts = {}
        self._links = {}

    def _link(self, name: str, salt: str, alert: EventAlert) -> str:
        """`alert.get_manage_url()` and the like, absolute: the address is reversed once per language."""
        key = (name, alert.language)
        if key not in self._links:
            self._links[key] = settings.SITE_URL + reverse(f"activities:{name}", kwargs={"signed_token": _SIGNED})
        return self._links[key].replace(_SIGNED, alert.signed_token(salt))

    def _text(self, language: str) -> tuple[str, str]:
        if language not in self._texts:
            event = self.event
            if self.cancelled:
                template = _("Cancelled: %(title)s")
            elif self.more_dates:
                # Not ngettext: without the number in it, Latvian's and the Slavic languages' "one" form would also
                # say 21 or 31 dates are one.
                template = _("New dates: %(title)s") if self.others else _("New date: %(title)s")
            else:
                template = _("New event: %(title)s")
            context = {
                "event": event,
                "cancelled": self.cancelled,
                "more_dates": self.more_dates,
                "event_url": settings.SITE_URL + event.get_absolute_url(),
                "others": _with_urls(self.others),
                "manage_url": _MANAGE,
                "unsubscribe_url": _UNSUBSCRIBE,
            }
            body = render_to_string("activities/email/alert_event.txt", context)
            self._texts[language] = (_one_line(template % {"title": event.title}), body)
        return self._texts[language]

    def message(self, alert: EventAlert, connection=None) -> EmailMessage:
        """The e-mail to `alert`, in the active language (which must be the alert's)."""
        subject, body = self._text(alert.language)
        unsubscribe_url = self._link("alert_unsubscribe", ALERT_UNSUBSCRIBE_SALT, alert)
        manage_url = self._link("alert_manage", ALERT_MANAGE_SALT, alert)
        body = body.replace(_MANAGE, manage_url).replace(_UNSUBSCRIBE, unsubscribe_url)
        headers = unsubscribe_headers(unsubscribe_url)
        return EmailMessage(subject, body, None, [alert.email], headers=headers, connection=connection)


def _with_urls(events):
    """`(event, absolute address of its page)` for each of `events`, in the active language."""
    return [(event, settings.SITE_URL + event.get_absolute_url()) for event in events]


def digest_message(alert: EventAlert, items: list[list[Event]], connection=None) -> EmailMessage:
    """The weekly summary for `alert`, in the active language: one entry per item, an event or the dates of a
    series, earliest first (the entry shows the first, and names the others)."""
    unsubscribe_url = settings.SITE_URL + alert.get_unsubscribe_url()
    entries = [(first, settings.SITE_URL + first.get_absolute_url(), _with_urls(others)) for first, *others in items]
    context = {
        "events": entries,
        "manage_url": settings.SITE_URL + alert.get_manage_url(),
        "unsubscribe_url": unsubscribe_url,
    }
    body = render_to_string("activities/email/alert_digest.txt", context)
    count = len(items)
    subject = ngettext("%(count)d new event this week", "%(count)d new events this week", count) % {"count": count}
    headers = unsubscribe_headers(unsubscribe_url)
    return EmailMessage(subject, body, None, [alert.email], headers=headers, connection=connection)
