"""Admin pages of their own for events: repeat an event as a weekly series.

`EventAdmin.get_urls` routes to these views; they reach the event through the admin's
`get_object`, so a librarian's organisation scope applies (another library's event answers 403).
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groundwork.validators import EARLIEST_DATE, LATEST_DATE, PlausibleDateValidator

from . import services
from .models import Event


class EventSeriesForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=sorted(WEEKDAYS.items()), coerce=int)
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST_DATE, "max": LATEST_DATE}, format="%Y-%m-%d"),
        help_text=_("The first event is on the chosen day of the week on or after this date."),
        validators=[PlausibleDateValidator()],
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"), min_value=1, max_value=services.SERIES_MAX_INTERVAL_WEEKS, initial=1
    )
    count = forms.IntegerField(
        label=_("Number of events"), min_value=1, max_value=services.SERIES_MAX_COUNT, initial=10
    )
    publish = forms.BooleanField(
        label=_("Publish them at once"),
        required=False,
        help_text=_("Otherwise they are saved as drafts that you publish when ready."),
    )


def event_series_view(model_admin, request, object_id):
    """Choose day, start, interval and count; the service creates every event or, on any problem, none."""
    event = model_admin.get_object(request, unquote(object_id))
    if event is None:
        raise Http404(gettext("No event with this id."))
    if not (model_admin.has_view_or_change_permission(request, event) and model_admin.has_add_permission(request)):
        raise PermissionDenied

    starts_on = timezone.localtime(event.starts_at).date()
    initial = {"weekday": starts_on.weekday(), "start": starts_on + datetime.timedelta(days=1)}
    form = EventSeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.event_series_create(event=event, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d event created: you can now edit each one.",
                    "%(count)d events created: you can now edit each one.",
                    len(created),
                )
                % {"count": len(created)},
                messages.SUCCESS,
            )
            stem = created[0].slug.rsplit("-", 3)[0]
            return redirect(f"{reverse('admin:activities_event_changelist')}?q={stem}")

    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Repeat “%(event)s” as a series") % {"event": event},
        "opts": Event._meta,
        "original": event,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/activities/event/series.html", context)
