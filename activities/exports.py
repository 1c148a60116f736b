"""The organiser's CSV of registrations, safe to open in a spreadsheet."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from groundwork.spreadsheets import spreadsheet_safe

from .models import Registration


def registrations_csv(registrations) -> str:
    """A CSV (header row in the active language, then one row per registration) of `registrations`, ordered by
    event and time of registration; times in Riga time."""
    statuses = dict(Registration.Status.choices)
    languages = dict(Registration._meta.get_field("language").choices)
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(
        [
            _("Event"),
            _("Starts at"),
            _("Name or nickname"),
            _("E-mail"),
            _("Phone"),
            _("Preferred language"),
            _("Accessibility needs"),
            _("Status"),
            _("Registered at"),
            _("Reference"),
        ]
    )
    for registration in registrations.select_related("event").order_by("event__starts_at", "created_at", "pk"):
        event = registration.event
        row = [
            event.title,
            timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            registration.name,
            registration.email,
            registration.phone,
            languages.get(registration.language, registration.language),
            "; ".join(registration.need_names_in_text),
            statuses.get(registration.status, registration.status),
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            registration.reference,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return output.getvalue()
