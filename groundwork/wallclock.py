"""Wall-clock times people enter in the site's time zone, the hour that happens twice in autumn included.

When the clocks go back (in Riga at 04:00 summer time on the last Sunday of October) every time from 03:00 to 03:59
happens twice, first in summer time and an hour later in winter time; when they go forward (03:00 on the last
Sunday of March) that hour never happens. Django's own form field refuses the whole hour in both cases. Here a
time that happens twice is accepted with the person's choice of which one (the form asks only when it matters),
and a time that never happens is refused with a message saying so.
"""

import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminTimeWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .validators import PlausibleDateValidator

FIRST = "first"
SECOND = "second"
OCCURRENCE_CHOICES = [
    ("", _("not needed")),
    (FIRST, _("the first time, before the clocks go back")),
    (SECOND, _("the second time, after the clocks go back")),
]


def occurrences(naive, zone):
    """The aware instants a wall-clock time stands for in `zone`, earliest first: none when the clocks skip it,
    two when they go back over it, else one."""
    found = []
    for fold in (0, 1):
        aware = naive.replace(tzinfo=zone, fold=fold)
        if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
            continue
        if all(aware.utcoffset() != other.utcoffset() for other in found):
            found.append(aware)
    return sorted(found, key=lambda aware: aware.astimezone(datetime.UTC))


def is_ambiguous(aware, zone=None):
    """True when the instant's wall-clock time in `zone` (the current time zone) happens twice."""
    zone = zone or timezone.get_current_timezone()
    local = aware.astimezone(zone)
    return len(occurrences(local.replace(tzinfo=None), zone)) == 2


def _utc_offset(aware):
    minutes = int(aware.utcoffset().total_seconds() // 60)
    hours, minutes = divmod(abs(minutes), 60)
    return f"{'-' if aware.utcoffset() < datetime.timedelta(0) else '+'}{hours:02d}:{minutes:02d}"


class WallClockDateTimeWidget(forms.MultiWidget):
    """The admin's date and time inputs, then the choice of which time is meant when it happens twice.

    Rendered here rather than from a template: groundwork is no app, so the form renderer would not find one.
    """

    def __init__(self, attrs=None):
        super().__init__([AdminDateWidget, AdminTimeWidget, forms.Select(choices=OCCURRENCE_CHOICES)], attrs)

    def decompress(self, value):
        if not value:
            return [None, None, ""]
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            local = timezone.localtime(value)
            which = (SECOND if local.fold else FIRST) if is_ambiguous(value) else ""
            return [local.date(), local.time().replace(fold=0), which]
        return [value.date(), value.time(), ""]

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else self.decompress(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        base_id = final_attrs.get("id")
        rendered, ids = [], []
        for index, (widget, suffix) in enumerate(zip(self.widgets, self.widgets_names, strict=True)):
            widget_attrs = {**final_attrs, "id": f"{base_id}{suffix}"} if base_id else dict(final_attrs)
            ids.append(widget_attrs.get("id", ""))
            part = values[index] if index < len(values) else None
            rendered.append(widget.render(name + suffix, part, widget_attrs, renderer))
        return format_html(
            # Each input has its own label, as in Django's admin split date and time widget.
            '<p class="datetime"><label for="{}">{}</label> {}<br><label for="{}">{}</label> {}<br>'
            '<label for="{}">{}</label> {}</p>',
            ids[0],
            _("Date:"),
            rendered[0],
            ids[1],
            _("Time:"),
            rendered[1],
            ids[2],
            _("If this time happens twice (the night the clocks go back), it is:"),
            rendered[2],
        )


class WallClockDateTimeField(forms.MultiValueField):
    """A date and a time in the current time zone, with the choice of occurrence for a time that happens twice."""

    widget = WallClockDateTimeWidget
    default_error_messages = {
        "incomplete": _("Enter a date and a time."),
        "ambiguous": _(
            "On %(day)s the clocks go back, so %(time)s happens twice: choose whether you mean the first time "
            "(UTC%(first)s) or the second (UTC%(second)s) below the time."
        ),
        "nonexistent": _("On %(day)s the clocks go forward and skip %(time)s: choose a time before or after."),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.DateField(),
            forms.TimeField(),
            forms.ChoiceField(choices=OCCURRENCE_CHOICES, required=False),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)
        for field in fields[:2]:
            field.required = self.required

    def compress(self, data_list):
        if not data_list or data_list[0] is None or data_list[1] is None:
            return None
        day, time, which = data_list
        # First the years dates may have: converting a time in year 1 or 9999 between zones leaves Python's dates.
        PlausibleDateValidator()(day)
        naive = datetime.datetime.combine(day, time)
        found = occurrences(naive, timezone.get_current_timezone())
        params = {"day": date_format(day, "DATE_FORMAT"), "time": time.strftime("%H:%M")}
        if not found:
            raise ValidationError(self.error_messages["nonexistent"], code="nonexistent", params=params)
        if len(found) == 1:
            return found[0]
        if which in (FIRST, SECOND):
            return found[0] if which == FIRST else found[1]
        offsets = [_utc_offset(aware) for aware in found]
        raise ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={**params, "first": offsets[0], "second": offsets[1]},
        )
