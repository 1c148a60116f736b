"""Event feeds: iCalendar (RFC 5545) for one event, a filtered list or a library, and RSS and Atom for the lists.

A list feed carries the events the list page shows for the same query string (the same FilterSet, the same
preselected language), up to `FEED_LIMIT`. Times are wall-clock times of the site's zone (`TIME_ZONE`,
Europe/Riga) with its TZID and VTIMEZONE; each event has a stable UID and its revision (`Event.sequence`) as
SEQUENCE, so calendar programs update their copy when an event moves or is cancelled (`activities.calendar`).
"""

import logging
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views import View

from groundwork.opendata import licence_link_header, licence_text
from partners.models import Organisation

from .calendar import access_line, calendar_bytes, event_categories, event_location
from .models import Event
from .views import EventDetailView, EventListView

logger = logging.getLogger(__name__)

# The most events one feed carries: the soonest ones.
FEED_LIMIT = 500


def calendar_response(events, *, name: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(calendar_bytes(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Link"] = licence_link_header()
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _site_name(title: str) -> str:
    return f"LIBRI: {title}"


class RefusedFilters(Exception):
    """The query string of a list feed holds filters the list cannot understand; the message says which."""


def list_filterset(request):
    """The list page's FilterSet for this request, built by the list view itself (same preselected language).

    Raises RefusedFilters when a filter cannot be understood (answered by `refused_filters_response`)."""
    view = EventListView()
    view.setup(request)
    filterset = view.get_filterset(view.get_filterset_class())
    if not filterset.is_valid():
        errors = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
        raise RefusedFilters(gettext("Some filters could not be understood: %s") % errors, sorted(filterset.errors))
    return filterset


def list_events(request):
    """The events of the list page for this request (`list_filterset`), with the organisations each item names."""
    return list_filterset(request).qs.prefetch_related("organiser", "venue_organisation")


def refused_filters_response(request, refused: RefusedFilters) -> HttpResponseBadRequest:
    """400 with the message, and one warning in the log: no traceback, the refused values escaped (`%r`), so that
    a value holding a line break cannot write a line of its own into the log."""
    message, names = refused.args
    values = {name: request.GET.getlist(name) for name in names}
    logger.warning("Event feed filters refused on %r: %r", request.path, values)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class EventCalendarView(EventDetailView):
    """One event as an .ics file, for "Add to calendar"; a calendar program asking again gets 304 while the event
    is unchanged (Django's ConditionalGetMiddleware compares the ETag of the bytes and this Last-Modified)."""

    def get(self, request, *args, **kwargs):
        event = self.get_object()
        response = calendar_response([event], name=_site_name(event.title), filename=f"{event.slug}.ics")
        response["Last-Modified"] = http_date(event.updated_at.timestamp())
        return response


class EventListCalendarView(View):
    """The upcoming events of the list page with the same query string, as a calendar to subscribe to."""

    def get(self, request):
        try:
            events = list_events(request)[:FEED_LIMIT]
        except RefusedFilters as refused:
            return refused_filters_response(request, refused)
        return calendar_response(events, name=_site_name(gettext("Events and seminars")))


class LibraryCalendarView(View):
    """The upcoming events a library organises or hosts (like the list's library filter), in every language."""

    def get(self, request, slug):
        organisation = get_object_or_404(Organisation, slug=slug)
        events = Event.objects.published().for_listing().upcoming().at_organisation(organisation)[:FEED_LIMIT]
        return calendar_response(events, name=_site_name(str(organisation)))


class EventListFeed(Feed):
    """RSS 2.0 of the list page's events for the same query string; `EventListAtomFeed` is the same in Atom."""

    feed_type = Rss201rev2Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        try:
            response = super().__call__(request, *args, **kwargs)
        except RefusedFilters as refused:
            return refused_filters_response(request, refused)
        response["Link"] = licence_link_header()
        return response

    def get_object(self, request):
        """The events and the list page they come from: (queryset, absolute URL of the page)."""
        query = request.GET.urlencode()
        page_url = settings.SITE_URL + reverse("activities:event_list") + (f"?{query}" if query else "")
        return list_events(request), page_url

    def title(self, obj):
        return _site_name(gettext("Events and seminars"))

    def link(self, obj):
        return obj[1]

    def description(self, obj):
        return gettext("Seminars, workshops and language cafés in public libraries in Latvia.")

    def items(self, obj):
        return obj[0][:FEED_LIMIT]

    def feed_copyright(self, obj):
        return licence_text()

    def item_title(self, event):
        if event.is_cancelled:
            return gettext("Cancelled: %s") % event.title
        return event.title

    def item_description(self, event):
        when = date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT")
        details = " · ".join(part for part in (when, event_location(event)) if part)
        paragraphs = [format_html("<p>{}</p>", part) for part in (details, event.summary, access_line(event)) if part]
        # Each paragraph was escaped by format_html.
        return mark_safe("".join(paragraphs))

    def item_link(self, event):
        return settings.SITE_URL + event.get_absolute_url()

    def item_guid(self, event):
        # A tag URI (RFC 4151): an Atom id must be an IRI, and it stays the same when the slug changes.
        return f"tag:{urlsplit(settings.SITE_URL).hostname},2025:event-{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.created_at

    def item_updateddate(self, event):
        return event.updated_at

    def item_categories(self, event):
        return event_categories(event)


class EventListAtomFeed(EventListFeed):
    feed_type = Atom1Feed
    subtitle = EventListFeed.description


class LibraryEventFeed(EventListFeed):
    """RSS 2.0 of the upcoming events a library organises or hosts; `LibraryEventAtomFeed` in Atom."""

    def get_object(self, request, slug):
        return get_object_or_404(Organisation, slug=slug)

    def title(self, obj):
        return _site_name(str(obj))

    def link(self, obj):
        query = urlencode({"library": obj.slug, "language": "all"})
        return f"{settings.SITE_URL}{reverse('activities:event_list')}?{query}"

    def items(self, obj):
        return Event.objects.published().for_listing().upcoming().at_organisation(obj)[:FEED_LIMIT]


class LibraryEventAtomFeed(LibraryEventFeed):
    feed_type = Atom1Feed
    subtitle = EventListFeed.description
