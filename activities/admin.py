from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import get_translation_fields

from groundwork.wallclock import WallClockDateTimeField
from partners.admin import (
    ACCESS_FACTS_FIELDSET,
    AuditTrailAdmin,
    CoordinatorOnlyAdminMixin,
    OrganisationScopedAdminMixin,
    PlaceAdminMixin,
)

from . import alerts, services
from .admin_views import event_check_in_view, event_series_view
from .exports import registrations_csv
from .models import Attendance, Event, EventAlert, Registration, SurveyAnswer


class EventAdminForm(forms.ModelForm):
    """The event form of the admin (the admin builds its `Meta` from the fieldsets)."""

    # Riga times; one that happens twice when the clocks go back is taken with the librarian's choice of which.
    starts_at = WallClockDateTimeField(label=_("starts at"))
    ends_at = WallClockDateTimeField(label=_("ends at"))

    def clean(self):
        cleaned_data = super().clean()
        # The venue chooser defaults to the organiser: an event "at an organisation's premises" with no
        # organisation named takes place at the organiser's, and the form says so by storing it.
        if cleaned_data.get("venue") == Event.Venue.ORGANISATION and not cleaned_data.get("venue_organisation"):
            cleaned_data["venue_organisation"] = cleaned_data.get("organiser")
        return cleaned_data


class AttendanceInline(admin.StackedInline):
    """Attendance counts on the event's page, once the event has taken place (see `EventAdmin.get_inlines`)."""

    model = Attendance
    extra = 1
    max_num = 1
    can_delete = False
    fields = (
        "activity_type",
        ("total", "third_country_nationals"),
        ("age_0_17", "age_18_29", "age_30_49", "age_50_64", "age_65_plus"),
        ("women", "men", "gender_other"),
    )
    verbose_name_plural = _("attendance (aggregated counts only)")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is None or hasattr(obj, "attendance"):
            return formset
        # Nothing recorded yet: the form starts from the door's counts (check-ins plus walk-ins), still editable.
        initial = services.attendance_initial(event=obj)
        if not initial:
            return formset

        class PrefilledFormSet(formset):
            def __init__(self, *args, **kwargs):
                kwargs.setdefault("initial", [initial])
                super().__init__(*args, **kwargs)

        return PrefilledFormSet


@admin.register(Event)
class EventAdmin(OrganisationScopedAdminMixin, PlaceAdminMixin, AuditTrailAdmin, TabbedTranslationAdmin):
    # A librarian works on the events her library organises; the organiser defaults to her library.
    organisation_field = "organiser"
    form = EventAdminForm
    list_display = (
        "title",
        "starts_at",
        "organiser",
        "status",
        "language_codes",
        "registrations_confirmed",
        "registrations_waiting",
        "registrations_cancelled",
    )
    list_filter = ("status", "kind", "organiser")
    list_select_related = ("organiser",)
    search_fields = (
        *get_translation_fields("title"),
        *get_translation_fields("summary"),
        "slug",
        *(f"organiser__{f}" for f in get_translation_fields("name")),
    )
    date_hierarchy = "starts_at"
    autocomplete_fields = ("organiser", "co_organisers", "venue_organisation")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "survey_answers")
    actions = ("publish_events", "cancel_events", "duplicate_events", "repeat_as_series")
    inlines = (AttendanceInline,)
    fieldsets = (
        (
            _("What"),
            {"fields": ("title", "slug", "kind", "summary", "description", "organiser", "co_organisers", "status")},
        ),
        (_("When"), {"fields": ("starts_at", "ends_at")}),
        (
            _("Where"),
            {
                "fields": (
                    "venue",
                    "venue_organisation",
                    "venue_name",
                    "online_url",
                    "street_address",
                    "postal_code",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                ),
                "description": _(
                    "At an organisation's premises: choose the organisation, or leave it empty for the organiser's. "
                    "At another address: give the address and, if you can, the point on the map. "
                    "Online: give the link."
                ),
            },
        ),
        (_("Who it is for"), {"fields": ("languages", "audience")}),
        (
            ACCESS_FACTS_FIELDSET[0],
            {**ACCESS_FACTS_FIELDSET[1], "fields": (*ACCESS_FACTS_FIELDSET[1]["fields"], "accessibility")},
        ),
        (_("Registration"), {"fields": ("registration_required", "capacity")}),
        (_("Image"), {"fields": ("image", "image_alt")}),
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at", "survey_answers")}),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # The venue chooser starts at the organiser's premises (her own library for a librarian).
        if initial.get("organiser"):
            initial.setdefault("venue_organisation", initial["organiser"])
        return initial

    @admin.display(description=_("was it helpful?"))
    def survey_answers(self, event):
        """The survey's answers so far, linked to the list of them with their comments."""
        if event.pk is None:
            return "–"
        counts = event.survey_answers.helpfulness_counts()
        if not counts["total"]:
            return _("No answers yet.")
        url = reverse("admin:activities_surveyanswer_changelist") + f"?event__id__exact={event.pk}"
        labels = dict(SurveyAnswer.Answer.choices)
        summary = ", ".join(f"{labels[code]}: {counts[code]}" for code in SurveyAnswer.Answer.values)
        answers = ngettext("%(count)d answer", "%(count)d answers", counts["total"]) % {"count": counts["total"]}
        return format_html('<a href="{}">{}</a> ({})', url, answers, summary)

    @admin.display(description=_("languages"))
    def language_codes(self, event):
        return ", ".join(code.upper() for code in event.languages)

    def _change_status(self, request, queryset, service, done_message):
        changed = 0
        # One transaction for the selection, a savepoint for each event: what the changes set off (the alert
        # e-mails) starts once all are saved, so dates of a series published together go out in one e-mail, and
        # an event that cannot change leaves the others changed.
        with transaction.atomic():
            for event in queryset:
                try:
                    with transaction.atomic():
                        service(event=event)
                except ValidationError as error:
                    self.message_user(request, f"{event}: {' '.join(error.messages)}", messages.ERROR)
                else:
                    changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)

    @admin.action(description=_("Publish the selected events"), permissions=("change",))
    def publish_events(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.event_publish,
            lambda count: (
                ngettext("%(count)d event published.", "%(count)d events published.", count) % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel the selected events"), permissions=("change",))
    def cancel_events(self, request, queryset):
        self._change_status(
            request,
            queryset,
            services.event_cancel,
            lambda count: (
                ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", count) % {"count": count}
            ),
        )

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None or not obj.is_past:
            # Attendance is counted after the event.
            inlines = [inline for inline in inlines if inline is not AttendanceInline]
        return inlines

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.event_record_revision(event=obj, changed_fields=form.changed_data)
            services.event_registrations_update(event=obj, changed_fields=form.changed_data)
        if not change or "status" in form.changed_data:
            alerts.event_alerts_update(event=obj)

    def get_queryset(self, request):
        return super().get_queryset(request).with_registration_counts()

    # Registrations by status, those whose personal data is already deleted included (the tally); the confirmed
    # count links to the event's registrations.
    @admin.display(description=_("confirmed"), ordering=F("confirmed_count") + F("erased_confirmed"))
    def registrations_confirmed(self, event):
        count = event.confirmed_count + event.erased_confirmed
        url = reverse("admin:activities_registration_changelist") + f"?event__id__exact={event.pk}"
        label = f"{count} / {event.capacity}" if event.capacity is not None else str(count)
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("waiting"), ordering=F("waiting_count") + F("erased_waiting"))
    def registrations_waiting(self, event):
        return event.waiting_count + event.erased_waiting

    @admin.display(description=_("cancelled"), ordering=F("cancelled_count") + F("erased_cancelled"))
    def registrations_cancelled(self, event):
        return event.cancelled_count + event.erased_cancelled

    def save_formset(self, request, form, formset, change):
        if formset.model is not Attendance:
            return super().save_formset(request, form, formset, change)
        for attendance in formset.save(commit=False):
            services.attendance_record(attendance=attendance, recorded_by=request.user)
        return None

    def get_urls(self):
        series = self.admin_site.admin_view(lambda request, object_id: event_series_view(self, request, object_id))
        check_in = self.admin_site.admin_view(lambda request, object_id: event_check_in_view(self, request, object_id))
        return [
            path("<path:object_id>/series/", series, name="activities_event_series"),
            path("<path:object_id>/check-in/", check_in, name="activities_event_check_in"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Duplicate the selected events as drafts"), permissions=("add",))
    def duplicate_events(self, request, queryset):
        copies = [services.event_duplicate(event=event) for event in queryset]
        self.message_user(
            request,
            ngettext(
                "%(count)d draft copy created: %(slugs)s.", "%(count)d draft copies created: %(slugs)s.", len(copies)
            )
            % {"count": len(copies), "slugs": ", ".join(copy.slug for copy in copies)},
            messages.SUCCESS,
        )
        if len(copies) == 1:
            return redirect(reverse("admin:activities_event_change", args=[copies[0].pk]))
        return None

    @admin.action(description=_("Repeat the selected event as a weekly series"), permissions=("add",))
    def repeat_as_series(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one event to repeat as a series."), messages.WARNING)
            return None
        return redirect(reverse("admin:activities_event_series", args=[queryset.get().pk]))


@admin.register(Attendance)
class AttendanceAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Attendance of past events for funder reporting: counts only, never a person."""

    organisation_field = "event__organiser"
    list_display = ("event", "event_starts_at", "activity_type", "total", "third_country_nationals", "recorded_at")
    list_filter = ("activity_type",)
    list_select_related = ("event",)
    search_fields = tuple(f"event__{name}" for name in get_translation_fields("title"))
    autocomplete_fields = ("event",)
    readonly_fields = ("recorded_by", "recorded_at")
    fields = (
        "event",
        "activity_type",
        ("total", "third_country_nationals"),
        ("age_0_17", "age_18_29", "age_30_49", "age_50_64", "age_65_plus"),
        ("women", "men", "gender_other"),
        ("recorded_by", "recorded_at"),
    )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # "Add attendance" for a chosen event (?event=<id>) starts from its door counts, like the event's own page.
        event_id = str(initial.get("event", ""))
        if event_id.isdigit() and len(event_id) < 19:  # an id, within a bigint
            events = self.admin_site._registry[Event].scope_queryset(request, Event.objects.filter(pk=int(event_id)))
            event = events.first()
            if event is not None:
                initial.update(services.attendance_initial(event=event))
        return initial

    @admin.display(description=_("date"), ordering="event__starts_at")
    def event_starts_at(self, attendance):
        return attendance.event.starts_at

    def save_model(self, request, obj, form, change):
        services.attendance_record(attendance=obj, recorded_by=request.user)


def log_deletions_without_names(request, objects):
    """The admin's log of deletions, naming each object by its id: the log outlives the object, and the name of an
    alert is its address, that of a registration the person's name, both erased on purpose."""
    LogEntry.objects.bulk_create(
        LogEntry(
            user_id=request.user.pk,
            content_type_id=ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
            object_id=str(obj.pk),
            object_repr=f"{obj._meta.verbose_name} #{obj.pk}",
            action_flag=DELETION,
        )
        for obj in objects
    )


@admin.register(Registration)
class RegistrationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """An event's registrations for its organiser: read only, since the public form and the registrant's own link
    write them; cancelled, exported and deleted through the services. Filter by event to see one event's list."""

    organisation_field = "event__organiser"
    list_display = ("name", "reference", "event", "status", "email", "phone", "language", "need_list", "created_at")
    list_filter = ("status", "event", "language")
    list_select_related = ("event",)
    search_fields = (
        "name",
        "=reference",
        "email",
        "phone",
        *(f"event__{name}" for name in get_translation_fields("title")),
    )
    actions = ("export_csv", "cancel_registrations")
    fields = (
        "event",
        ("name", "reference"),
        ("email", "phone"),
        "language",
        "need_list",
        ("status", "checked_in_at"),
        ("created_at", "consent_at", "reminder_sent_at", "follow_up_sent_at"),
        "already_registered_sent_at",
    )
    readonly_fields = (
        "event",
        "name",
        "reference",
        "checked_in_at",
        "email",
        "phone",
        "language",
        "need_list",
        "status",
        "created_at",
        "consent_at",
        "reminder_sent_at",
        "follow_up_sent_at",
        "already_registered_sent_at",
    )

    def has_add_permission(self, request):
        # People register through the event page, where the capacity and the waiting list apply.
        return False

    # The field itself would be shown as the codes it stores (["wheelchair"]), read only as it is here.
    @admin.display(description=_("accessibility needs"))
    def need_list(self, registration):
        return ", ".join(registration.need_names_in_text) or self.get_empty_value_display()

    def delete_model(self, request, obj):
        services.registration_erase(registration=obj)

    def delete_queryset(self, request, queryset):
        for registration in queryset:
            services.registration_erase(registration=registration)

    def log_deletions(self, request, queryset):
        log_deletions_without_names(request, queryset)

    @admin.action(description=_("Export the selected registrations as CSV"), permissions=("view",))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        slugs = set(queryset.values_list("event__slug", flat=True))
        name = f"registrations-{slugs.pop()}.csv" if len(slugs) == 1 else "registrations.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        # The byte order mark lets spreadsheet programs read Latvian and Cyrillic letters as UTF-8.
        response.write("\ufeff" + registrations_csv(queryset))
        return response

    @admin.action(description=_("Cancel the selected registrations"), permissions=("change",))
    def cancel_registrations(self, request, queryset):
        cancelled = 0
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            try:
                services.registration_cancel(registration=registration)
            except ValidationError as error:
                self.message_user(request, f"{registration}: {' '.join(error.messages)}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration cancelled; the waiting list moved up.",
                    "%(count)d registrations cancelled; the waiting list moved up.",
                    cancelled,
                )
                % {"count": cancelled},
                messages.SUCCESS,
            )


class AlertManagerAdminMixin(CoordinatorOnlyAdminMixin):
    """Alerts hold the addresses of members of the public: only those given the permission to manage the alert
    system see them (a coordinator role alone does not give it; librarians never see them)."""

    def _manages(self, request):
        return request.user.has_perm("activities.manage_alerts")

    def has_module_permission(self, request):
        return self._manages(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self._manages(request) and super().has_delete_permission(request, obj)


@admin.register(EventAlert)
class EventAlertAdmin(AlertManagerAdminMixin, admin.ModelAdmin):
    """Read only: people sign up, change and stop their alerts themselves; deleting one deletes the address."""

    list_display = ("email", "event_language", "city", "library", "kind", "audience", "frequency", "confirmed_at")
    list_filter = ("frequency", "event_language", "language", ("confirmed_at", admin.EmptyFieldListFilter))
    list_select_related = ("library",)
    search_fields = ("email",)
    fields = (
        "email",
        "language",
        ("event_language", "city", "library", "kind", "audience"),
        "access_list",
        "frequency",
        ("created_at", "confirmed_at", "confirmations_sent"),
    )
    readonly_fields = (
        "email",
        "language",
        "event_language",
        "city",
        "library",
        "kind",
        "audience",
        "access_list",
        "frequency",
        "created_at",
        "confirmed_at",
        "confirmations_sent",
    )

    def has_add_permission(self, request):
        return False

    # The field itself would be shown as the codes it stores (["step_free"]), read only as it is here.
    @admin.display(description=_("accessibility and practical facts"))
    def access_list(self, alert):
        return ", ".join(alert.access_fact_names_in_text) or gettext("None chosen")

    def delete_model(self, request, obj):
        alerts.alert_delete(alert=obj)

    def delete_queryset(self, request, queryset):
        for alert in queryset:
            alerts.alert_delete(alert=alert)

    def log_deletions(self, request, queryset):
        log_deletions_without_names(request, queryset)


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """The anonymous answers to "was it helpful?" of the events she organises, to read: nobody writes or edits
    them here, and nothing in them names a person. A coordinator may delete an answer whose comment should not be
    kept (for instance one that gives a name)."""

    organisation_field = "event__organiser"
    list_display = ("event", "answer", "comment", "answered_on")
    list_filter = ("answer", "event", "answered_on")
    list_select_related = ("event",)
    search_fields = ("comment", *(f"event__{name}" for name in get_translation_fields("title")))
    date_hierarchy = "answered_on"
    fields = ("event", "answer", "comment", "answered_on")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
