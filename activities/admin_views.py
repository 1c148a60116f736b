"""Admin pages of their own for events: repeat an event as a weekly series; check registrants in at the door.

`EventAdmin.get_urls` routes to these views; they reach the event through the admin's
`get_object`, so a librarian's organisation scope applies (another library's event answers 403).
"""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groundwork.keys import key_as_written
from groundwork.validators import EARLIEST_DATE, LATEST_DATE, PlausibleDateValidator

from . import services
from .models import CheckInCount, Event, Registration


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


# --- Check-in at the door --------------------------------------------------------------------------------------

# A search longer than any name is not a name.
SEARCH_MAX_LENGTH = 100
CODE_MAX_LENGTH = 500


class Refusal(Exception):
    """A check-in the page refuses, with the status to answer and the message to show."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def _door_counts(event):
    """Confirmed and checked-in registrations, waiting and walk-ins, in two small queries."""
    counts = Registration.objects.for_event(event).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
    )
    door = CheckInCount.objects.filter(event=event).values("walk_ins", "erased_checked_in").first() or {}
    counts["walk_ins"] = door.get("walk_ins", 0)
    counts["checked_in"] += door.get("erased_checked_in", 0)
    counts["present"] = counts["checked_in"] + counts["walk_ins"]
    return counts


def _registration_of(event, value):
    """The registration of `event` whose id was posted."""
    try:
        pk = key_as_written(Registration._meta.pk, value or "")
    except ValidationError:
        raise Refusal(gettext("Choose a registration from the list.")) from None
    registration = Registration.objects.for_event(event).filter(pk=pk).first()
    if registration is None:
        raise Refusal(gettext("This registration is not on the list of this event."), status=404)
    return registration


def _registration_of_code(model_admin, request, event, code):
    """The registration a scanned or typed code names, if it is one of `event`'s; a clear refusal otherwise."""
    code = (code or "").strip()
    if not code or len(code) > CODE_MAX_LENGTH:
        raise Refusal(gettext("Scan the QR code of a confirmation, or type its reference."))
    registration = Registration.objects.for_code(code).select_related("event").first()
    if registration is None:
        raise Refusal(gettext("No registration has this code. Check the reference and try again."), status=404)
    if registration.event_id != event.pk:
        other = registration.event
        if model_admin.get_queryset(request).filter(pk=other.pk).exists():
            when = date_format(timezone.localtime(other.starts_at), "SHORT_DATETIME_FORMAT")
            message = gettext("This confirmation is for another event: “%(event)s”, %(when)s.") % {
                "event": other,
                "when": when,
            }
        else:
            message = gettext("This confirmation is for an event of another library, not for this one.")
        raise Refusal(message, status=409)
    return registration


def _check_in_action(model_admin, request, event):
    """Carry out the posted action; returns the message to show, its level (a warning when nothing changed) and
    the registration concerned (or None)."""
    action = request.POST.get("action")
    try:
        if action in ("check_in", "code"):
            if action == "code":
                registration = _registration_of_code(model_admin, request, event, request.POST.get("code"))
            else:
                registration = _registration_of(event, request.POST.get("registration"))
            registration, now = services.registration_check_in(event=event, registration=registration)
            if now:
                message = gettext("%(name)s is checked in.") % {"name": registration.name}
                return message, messages.SUCCESS, registration
            # A code read twice is no mistake at the door, but nothing happened: not a success either.
            message = gettext("%(name)s was already checked in.") % {"name": registration.name}
            return message, messages.WARNING, registration
        if action == "undo":
            registration = _registration_of(event, request.POST.get("registration"))
            services.registration_check_in_undo(event=event, registration=registration)
            message = gettext("The check-in of %(name)s is taken back.") % {"name": registration.name}
            return message, messages.SUCCESS, registration
        if action == "walk_in":
            change = {"add": 1, "remove": -1}.get(request.POST.get("change"))
            if change is None:
                raise Refusal(gettext("Add or take away one walk-in."))
            count = services.walk_ins_change(event=event, change=change)
            message = ngettext("%(count)d walk-in.", "%(count)d walk-ins.", count) % {"count": count}
            return message, messages.SUCCESS, None
    except ValidationError as error:
        status = 409 if error.code in ("closed", "cancelled", "other_event", "not_checked_in") else 400
        raise Refusal(" ".join(error.messages), status=status) from None
    raise Refusal(gettext("Choose what to do: check someone in, or count a walk-in."))


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _registration_json(registration):
    return {
        "id": registration.pk,
        "name": registration.name,
        "reference": registration.reference,
        "status": registration.status,
        "checked_in": registration.is_checked_in,
        "checked_in_at": (
            timezone.localtime(registration.checked_in_at).strftime("%H:%M") if registration.is_checked_in else ""
        ),
    }


def event_check_in_view(model_admin, request, object_id):
    """The door of an event, for its library's staff (the admin's scope: another library's event answers 403):
    the registrants with one-tap check-in, a search by name, walk-ins counted with a tap, and a QR scanner that
    reads the code on a confirmation. Every action is a plain form post, answered with JSON when the page's script
    asks for it; a refusal says why (wrong event, cancelled, unknown code) with a 4xx status."""
    event = model_admin.get_object(request, unquote(object_id))
    if event is None:
        raise Http404(gettext("No event with this id."))
    if not model_admin.has_change_permission(request, event):
        raise PermissionDenied

    error, status = None, 200
    if request.method == "POST":
        try:
            message, level, registration = _check_in_action(model_admin, request, event)
        except Refusal as refusal:
            if _wants_json(request):
                return JsonResponse({"ok": False, "message": refusal.message}, status=refusal.status)
            error, status = refusal.message, refusal.status
        else:
            if _wants_json(request):
                return JsonResponse(
                    {
                        "ok": True,
                        "message": message,
                        "registration": _registration_json(registration) if registration else None,
                        "counts": _door_counts(event),
                    }
                )
            messages.add_message(request, level, message)
            query = request.POST.get("q", "")[:SEARCH_MAX_LENGTH]
            return redirect(request.path + (f"?{urlencode({'q': query})}" if query else ""))

    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    registrations = Registration.objects.for_event(event).active().order_by(Lower("name"), "pk")
    if query:
        registrations = registrations.matching(query)
    registrations = list(registrations)
    context = {
        **model_admin.admin_site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "title": gettext("Check-in: %(event)s") % {"event": event},
        "opts": Event._meta,
        "original": event,
        "event": event,
        "query": query,
        "confirmed": [r for r in registrations if r.status == Registration.Status.CONFIRMED],
        "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
        "counts": _door_counts(event),
        "error": error,
        "attendance_open": event.starts_at <= timezone.now(),
    }
    return TemplateResponse(request, "admin/activities/event/check_in.html", context, status=status)
