import hashlib

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.http import base36_to_int
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from modeltranslation.utils import build_localized_fieldname

from groundwork.antispam import SpamProtectedFormViewMixin
from groundwork.filterviews import RefusedFilterStatusMixin
from partners.previews import StaffPreviewMixin

from . import calendar, services
from .filters import ALL_LANGUAGES, EventFilter
from .forms import RegistrationChangeForm, RegistrationForm, SurveyForm
from .freshness import EVENT_DATA
from .language_phrases import in_language
from .models import REGISTRATION_LINK_SALT, Event, Registration, survey_link_salt
from .schema_org import event_json_ld

# What a filter left empty cleans to: a text or choice, or the list of ticked facts.
EMPTY_FILTER_VALUES = (None, "", [])


class EventListView(RefusedFilterStatusMixin, FilterView):
    """Upcoming public events, filtered by the query string.

    Without a `language` parameter the visitor's interface language is preselected; the page says so and
    offers every other language with its count, so nothing is hidden silently.
    """

    filterset_class = EventFilter
    template_name = "activities/event_list.html"
    context_object_name = "events"
    paginate_by = 20
    archive = False

    def get_queryset(self):
        events = Event.objects.published()
        return events.past() if self.archive else events.upcoming()

    def paginate_queryset(self, queryset, page_size):
        # The page is read as the keys of its events' cards: `event_cards` reads whole events, their organisations
        # and places taken only for the cards it has to render.
        return super().paginate_queryset(queryset.card_keys(), page_size)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        self.preselected_language = None
        if "language" not in data:
            self.preselected_language = get_language()
            data["language"] = self.preselected_language
        kwargs["data"] = data
        return kwargs

    def language_counts(self):
        """`(listed, offered)` counts per language (`EventQuerySet.count_listed_by_language`) of the events that
        every filter but the language lets through, cached under the data version of the events for this list
        (upcoming or archive), interface language (the free text searches it) and filters."""
        filterset = self.filterset
        if not filterset.is_valid():
            return {}, {}
        filters = sorted(
            (name, str(value))
            for name, value in filterset.form.cleaned_data.items()
            if name != "language" and value not in EMPTY_FILTER_VALUES
        )
        key = hashlib.blake2b(repr(filters).encode(), digest_size=16).hexdigest()
        return EVENT_DATA.cached(
            "language-counts",
            filterset.queryset_in_any_language().count_listed_by_language,
            "archive" if self.archive else "upcoming",
            get_language() or "",
            key,
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The number of events listed is among the counts per language: no COUNT query of its own.
        paginator.count = self.listed_count
        return paginator

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        language = filterset.form.cleaned_data.get("language") if filterset.is_valid() else None
        listed, counts = self.language_counts()
        # An empty `language` filters nothing, as "all" does.
        shown = language if language and language != ALL_LANGUAGES else "all"
        self.listed_count = listed.get(shown, 0)
        context = super().get_context_data(**kwargs)
        language_names = dict(settings.DELIVERY_LANGUAGES)
        by_language = [
            {"code": code, "name": name, "count": counts[code]}
            for code, name in settings.DELIVERY_LANGUAGES
            if code in counts and code != "all"
        ]
        context.update(
            archive=self.archive,
            filter_form=filterset.form,
            language=language if language != ALL_LANGUAGES else "",
            language_name=language_names.get(language, ""),
            in_language=in_language(language) if language in language_names else "",
            language_preselected=self.preselected_language is not None,
            total_in_any_language=counts.get("all", 0),
            # The heading counts what the counts per language count, the events one can still go to; the cancelled
            # ones the list shows too are told apart, so that its numbers and the heading's agree.
            offered_count=counts.get(shown, 0),
            cancelled_count=self.listed_count - counts.get(shown, 0),
            # Whether the visitor narrowed the list herself (beyond the language): only then is it "her search".
            searched=filterset.is_valid()
            and any(
                value not in EMPTY_FILTER_VALUES
                for name, value in filterset.form.cleaned_data.items()
                if name != "language"
            ),
            by_language=by_language,
            other_languages=sorted(
                (item for item in by_language if item["code"] != language), key=lambda item: -item["count"]
            ),
        )
        return context


class EventArchiveView(EventListView):
    archive = True


class EventDetailView(StaffPreviewMixin, DetailView):
    """A published or cancelled event; a draft only for staff whose admin shows it to them (partners.previews)."""

    template_name = "activities/event_detail.html"
    context_object_name = "event"

    def get_preview_queryset(self):
        return Event.objects.for_detail().with_registration_counts()

    def get_queryset(self):
        return self.get_preview_queryset().published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        place = event.place
        context["organisers"] = [event.organiser, *event.co_organisers.all()]
        context["json_ld"] = event_json_ld(event, site_url=settings.SITE_URL)
        context["other_dates"] = list(Event.objects.in_series(event.series_id).still_to_come().exclude(pk=event.pk))
        if not (event.is_past or event.is_cancelled):
            context["google_calendar_url"] = calendar.google_calendar_url(event)
            context["outlook_calendar_url"] = calendar.outlook_calendar_url(event)
        if not event.is_online and place.has_point:
            label = event.place_name or place.address_line
            context["map_points"] = [
                {"lat": float(place.latitude), "lng": float(place.longitude), "label": label, "url": ""}
            ]
            context["map_label"] = gettext("Map: %(place)s") % {"place": label}
        return context


class EventPosterView(EventDetailView):
    """An A4 poster to print: title and summary in each language of delivery the site has the text in, date,
    place and a QR code to the event page. A page of its own, without the site's header and footer."""

    template_name = "activities/event_poster.html"

    def get_context_data(self, **kwargs):
        context = super(EventDetailView, self).get_context_data(**kwargs)
        context["poster_languages"] = poster_languages(self.object)
        context["event_url"] = settings.SITE_URL + self.object.get_absolute_url()
        context["survey_url"] = survey_short_url(self.object)
        return context


class EventSurveySlideView(EventDetailView):
    """A slide to show or print (A4 landscape) at the end of the event: "was it helpful?" in the four interface
    languages and a large QR code of the survey's short link. A page of its own, like the poster."""

    template_name = "activities/event_survey_slide.html"

    def get_context_data(self, **kwargs):
        context = super(EventDetailView, self).get_context_data(**kwargs)
        context["survey_url"] = survey_short_url(self.object)
        context["slide_languages"] = [code for code, _name in settings.LANGUAGES]
        return context


def poster_languages(event):
    """The interface languages to print the poster in: the event's languages of delivery that have a title of
    their own, in the event's order; when none has, the visitor's language (its text falls back to Latvian)."""
    codes = [
        code
        for code in event.languages
        if code in settings.MODELTRANSLATION_LANGUAGES and getattr(event, build_localized_fieldname("title", code))
    ]
    return codes or [get_language() or settings.LANGUAGE_CODE]


class EventRegisterView(SpamProtectedFormViewMixin, FormView):
    """The registration form of an event. Automated posts are refused by the form's checks with a clear message:
    a filled honeypot or a form sent too fast (400), too many from one address (429); the service holds the
    capacity.

    A form with an e-mail address is answered alike whether the address was new or registered already (the same
    redirect to the same page, which says to look in the e-mail): what concerns the registration goes to the
    address. A registrant who gave a phone number only gets no e-mail, so she is sent to her own page."""

    template_name = "activities/event_register.html"
    form_class = RegistrationForm

    def dispatch(self, request, *args, **kwargs):
        events = Event.objects.published().for_detail().with_registration_counts()
        self.event = get_object_or_404(events, slug=kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, retention_days=settings.REGISTRATION_RETENTION_DAYS, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.event.accepts_registrations:
            return self.render_to_response(self.get_context_data(), status=400)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                event=self.event,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                language=data["language"],
                needs=data["needs"],
                submission_key=form.submission_key(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        if data["email"]:
            return redirect("activities:event_register_sent", slug=self.event.slug)
        if registration.status == Registration.Status.CONFIRMED:
            message = gettext("Thank you: you are registered and your place is confirmed.")
        else:
            message = gettext("Thank you: the event is full, so you are on the waiting list.")
        messages.success(self.request, message)
        return redirect(registration.get_manage_url())


class EventRegisterSentView(DetailView):
    """Where the registration form sends whoever gave an e-mail address: the same page for everybody, naming
    nobody's registration, so that it tells no one whether an address was registered already."""

    template_name = "activities/event_register_sent.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published().for_detail()


@method_decorator(never_cache, name="dispatch")
class RegistrationManageView(TemplateView):
    """A registrant's own page, reached through the signed link of her e-mails: see the registration, cancel it,
    or delete it with its personal data. A changed link answers 400, a registration that is gone 404."""

    template_name = "activities/registration_manage.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            token = signing.Signer(salt=REGISTRATION_LINK_SALT).unsign(kwargs["signed_token"])
        except signing.BadSignature:
            return self.problem("invalid", status=400)
        registrations = Registration.objects.select_related("event__organiser", "event__venue_organisation")
        self.registration = registrations.filter(token=token).first()
        if self.registration is None:
            return self.problem("gone", status=404)
        return super().dispatch(request, *args, **kwargs)

    def problem(self, problem, *, status):
        context = {"problem": problem, "retention_days": settings.REGISTRATION_RETENTION_DAYS}
        return render(self.request, "activities/registration_link_problem.html", context, status=status)

    def get_context_data(self, **kwargs):
        registration = self.registration
        event = registration.event
        # Her answers as they are now; a form sent with errors is shown again as she sent it.
        kwargs.setdefault(
            "change_form",
            RegistrationChangeForm(
                initial={"name": registration.name, "language": registration.language, "needs": registration.needs},
                auto_id="change-%s",
            ),
        )
        return super().get_context_data(
            registration=registration,
            event=event,
            # Counted on every view: the position moves up as people ahead cancel.
            waiting_position=registration.waiting_position,
            # The service refuses cancelling or changing once the event has started; the page does not offer it.
            can_cancel=registration.is_active and event.starts_at > timezone.now(),
            can_change=registration.is_active and event.starts_at > timezone.now(),
            # What she shows at the door: this page's address as a QR code, and the reference to quote.
            manage_url=settings.SITE_URL + registration.get_manage_url(),
            retention_days=settings.REGISTRATION_RETENTION_DAYS,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "change":
            return self.change(request)
        if action == "cancel":
            try:
                services.registration_cancel(registration=self.registration)
            except ValidationError as error:
                return self.render_to_response(self.get_context_data(error=" ".join(error.messages)), status=400)
            messages.success(request, gettext("Your registration is cancelled. Thank you for telling us."))
            return redirect(request.path)
        if action == "erase":
            services.registration_erase(registration=self.registration)
            messages.success(request, gettext("Your registration and your personal data have been deleted."))
            return redirect(self.registration.event.get_absolute_url())
        error = gettext("Choose whether to change, cancel or delete your registration.")
        return self.render_to_response(self.get_context_data(error=error), status=400)

    def change(self, request):
        form = RegistrationChangeForm(request.POST, auto_id="change-%s")
        if form.is_valid():
            try:
                services.registration_update(registration=self.registration, **form.cleaned_data)
            except ValidationError as error:
                context = self.get_context_data(change_form=form, error=" ".join(error.messages))
                return self.render_to_response(context, status=400)
            else:
                messages.success(request, gettext("Your registration has been changed."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(change_form=form), status=400)


# --- "Was it helpful?" ------------------------------------------------------------------------------------------

# A signed cookie lists the events this device has answered for: one answer per device and event, with nothing
# about the person on the server. A cleared cookie allows another answer; the rate limit keeps that small.
SURVEY_COOKIE = "libri_answered"
SURVEY_COOKIE_SALT = "activities.survey.device"
SURVEY_COOKIE_MAX_EVENTS = 50
SURVEY_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def answered_events(request) -> list[int]:
    """The ids of the events this device has answered the survey of (none for a missing or changed cookie)."""
    value = request.get_signed_cookie(SURVEY_COOKIE, default="", salt=SURVEY_COOKIE_SALT)
    return [int(part) for part in value.split(",") if part.isdigit()]


@method_decorator(never_cache, name="dispatch")
class EventSurveyView(SpamProtectedFormViewMixin, FormView):
    """The anonymous one-question survey of an event, from its start until `SURVEY_OPEN_DAYS` after its end:
    reached by the short link and QR code shown at the event (one answer per device), or by the signed link of a
    registrant's follow-up e-mail (one answer per link). Answers cannot be changed: nothing ties them to anyone.
    A changed link answers 400, a closed survey or a second answer 400 on posting, a refused form 400 or 429."""

    template_name = "activities/event_survey.html"
    form_class = SurveyForm

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            Event.objects.filter(status=Event.Status.PUBLISHED).select_related("organiser"), slug=kwargs["slug"]
        )
        self.link_key = None
        if "signed_key" in kwargs:
            try:
                self.link_key = signing.Signer(salt=survey_link_salt(self.event.pk)).unsign(kwargs["signed_key"])
            except signing.BadSignature:
                context = {"problem": "invalid", "retention_days": settings.REGISTRATION_RETENTION_DAYS}
                return render(request, "activities/registration_link_problem.html", context, status=400)
        return super().dispatch(request, *args, **kwargs)

    def state(self):
        """`not_yet`, `closed`, `answered` or `open`."""
        event = self.event
        if event.starts_at > timezone.now():
            return "not_yet"
        if not event.survey_is_open:
            return "closed"
        if event.pk in answered_events(self.request) or (
            self.link_key is not None and services.survey_link_used(link_key=self.link_key)
        ):
            return "answered"
        return "open"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, state=self.state(), **kwargs)

    def post(self, request, *args, **kwargs):
        if self.state() != "open":
            return self.render_to_response(self.get_context_data(), status=400)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.survey_answer_record(
                event=self.event,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
                link_key=self.link_key,
            )
        except ValidationError as error:
            if error.code in ("answered", "closed"):
                return self.render_to_response(self.get_context_data(), status=400)
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        response = redirect(self.request.path)
        events = [pk for pk in answered_events(self.request) if pk != self.event.pk] + [self.event.pk]
        response.set_signed_cookie(
            SURVEY_COOKIE,
            ",".join(map(str, events[-SURVEY_COOKIE_MAX_EVENTS:])),
            salt=SURVEY_COOKIE_SALT,
            max_age=SURVEY_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


@require_safe
@never_cache
@vary_on_headers("Accept-Language", "Cookie")
def survey_short_link(request, code):
    """`/s/<code>/`, the short address on the poster and the slide: the event's survey in the visitor's language
    (her browser's, or the one she chose on the site)."""
    try:
        pk = base36_to_int(code)
    except ValueError:
        raise Http404 from None
    if pk > MAX_ID:
        raise Http404
    event = get_object_or_404(Event.objects.filter(status=Event.Status.PUBLISHED).only("slug"), pk=pk)
    with translation.override(translation.get_language_from_request(request)):
        return redirect(reverse("activities:event_survey", kwargs={"slug": event.slug}))


# Beyond the largest id a database column holds, a code names no event (and must not reach the query).
MAX_ID = 2**63 - 1


def survey_short_url(event) -> str:
    """The absolute short address of the event's survey."""
    return settings.SITE_URL + reverse("survey_short_link", kwargs={"code": event.survey_code})
