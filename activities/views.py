from django.conf import settings
from django.utils.translation import get_language, gettext
from django.views.generic import DetailView
from django_filters.views import FilterView
from modeltranslation.utils import build_localized_fieldname

from .filters import ALL_LANGUAGES, EventFilter
from .models import Event
from .schema_org import event_json_ld


class EventListView(FilterView):
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
        events = Event.objects.published().for_listing()
        return events.past() if self.archive else events.upcoming()

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        self.preselected_language = None
        if "language" not in data:
            self.preselected_language = get_language()
            data["language"] = self.preselected_language
        kwargs["data"] = data
        return kwargs

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        language = filterset.form.cleaned_data.get("language") if filterset.is_valid() else None
        total, counts = filterset.queryset_in_any_language().count_by_language() if filterset.is_valid() else (0, {})
        language_names = dict(settings.DELIVERY_LANGUAGES)
        by_language = [
            {"code": code, "name": name, "count": counts[code]}
            for code, name in settings.DELIVERY_LANGUAGES
            if code in counts
        ]
        context.update(
            archive=self.archive,
            filter_form=filterset.form,
            language=language if language != ALL_LANGUAGES else "",
            language_name=language_names.get(language, ""),
            language_preselected=self.preselected_language is not None,
            total_in_any_language=total,
            by_language=by_language,
            other_languages=sorted(
                (item for item in by_language if item["code"] != language), key=lambda item: -item["count"]
            ),
        )
        return context


class EventArchiveView(EventListView):
    archive = True


class EventDetailView(DetailView):
    template_name = "activities/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        events = Event.objects.for_detail()
        # Staff who edit events may preview a draft from the admin's "view on site"; the public never sees one.
        if self.request.user.has_perm("activities.change_event"):
            return events
        return events.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        place = event.place
        context["organisers"] = [event.organiser, *event.co_organisers.all()]
        context["json_ld"] = event_json_ld(event, site_url=settings.SITE_URL)
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
