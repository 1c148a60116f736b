from csp.decorators import csp_replace
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.urls import reverse, reverse_lazy
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from django.views.generic import CreateView, DetailView, TemplateView
from django_filters.views import FilterView

from groundwork.antispam import SpamProtectedFormViewMixin
from groundwork.caching import public_cache
from groundwork.filterviews import RefusedFilterStatusMixin
from groundwork.opendata import licence_link_header
from partners.previews import StaffPreviewMixin
from partners.two_factor import is_verified_staff
from partners.views import map_points

from . import services
from .filters import FILTER_PARAMETERS, InitiativeFilter
from .forms import InitiativeSuggestionForm
from .freshness import MAP_DATA
from .geojson import MapQuery, MapQueryError
from .models import Initiative
from .schema_org import initiative_json_ld
from .sheets import csv_lines


def filter_query_string(params):
    """The filter part of a query string, so that the map, the list and the map data show the same initiatives."""
    return urlencode([(name, value) for name in FILTER_PARAMETERS for value in params.getlist(name) if value])


class InitiativeFilterMixin(RefusedFilterStatusMixin):
    """A page of the filtered initiatives; a refused filter value shows the form's errors and no initiatives."""

    filterset_class = InitiativeFilter
    queryset = Initiative.objects.published().for_listing()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The filters the page applies: those of the address (the embedded map leaves out refused ones).
        context["filter_query"] = filter_query_string(self.filterset.data) if self.filterset.is_bound else ""
        context["filters_fragment_key"] = self.filters_fragment_key(context["filter_query"])
        return context

    def filters_fragment_key(self, filter_query):
        """What the rendered filter form depends on, for the template's fragment cache: the choices (the map data
        version), the page and the values sent; None for a form with errors, which is rendered each time."""
        if self.filterset.is_bound and not self.filterset.is_valid():
            return None
        return MAP_DATA.etag(self.request.path, filter_query)


def embed_url(filter_query):
    """The absolute address of the embeddable map showing the initiatives these filters select."""
    url = settings.SITE_URL + reverse("mapping:embed")
    return f"{url}?{filter_query}" if filter_query else url


def embed_snippet(url):
    """The HTML another site pastes to show the map; the title names the frame for screen reader users."""
    return format_html(
        '<iframe src="{}" title="{}" width="100%" height="500" loading="lazy"></iframe>',
        url,
        gettext("Map of initiatives – LIBRI"),
    )


class InitiativeMapView(InitiativeFilterMixin, FilterView):
    template_name = "mapping/map.html"
    # Where links in popups open; the embedded map opens them outside its frame.
    link_target = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.filterset.is_bound or self.filterset.is_valid():
            # Counting and bounding every matching initiative reads them all (tens of milliseconds at 100,000):
            # done once per data version and filter, not on every visit.
            summary = MAP_DATA.cached("summary", self.object_list.map_summary, context["filter_query"])
        else:
            summary = self.object_list.map_summary()
        context["summary"] = summary
        context["map_config"] = {
            "dataUrl": reverse("mapping:geojson"),
            "filterQuery": context["filter_query"],
            "extent": (
                [[float(summary["south"]), float(summary["west"])], [float(summary["north"]), float(summary["east"])]]
                if summary["located"]
                else None
            ),
            "linkTarget": self.link_target,
        }
        context["embed_snippet"] = embed_snippet(embed_url(context["filter_query"]))
        return context


# Any site may frame this page, and only this one: every other page keeps X-Frame-Options DENY and
# frame-ancestors 'none'. `*` in frame-ancestors admits every http(s) origin.
@method_decorator(xframe_options_exempt, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": ["*"]}), name="dispatch")
class InitiativeEmbedView(InitiativeMapView):
    """The map alone, for other sites' pages: filters fixed by the URL, no site chrome, links open a new tab."""

    template_name = "mapping/embed.html"
    link_target = "_blank"
    # The address sits in another site's page, out of its visitors' reach: the frame leaves a refused filter out and
    # says so, and an error status would only make that site's checks report the whole map as broken.
    refused_filter_status = 200

    def get_filterset(self, filterset_class):
        """The filters of the address without those whose value the form refuses, their labels kept in
        `left_out_filters` for the page to name them."""
        filterset = super().get_filterset(filterset_class)
        self.left_out_filters = []
        if filterset.is_bound and not filterset.is_valid():
            refused = set(filterset.form.errors)
            self.left_out_filters = [
                str(field.label) for name, field in filterset.form.fields.items() if name in refused
            ]
            kwargs = self.get_filterset_kwargs(filterset_class)
            kept = kwargs["data"].copy()
            for name in refused:
                kept.pop(name, None)
            filterset = filterset_class(**{**kwargs, "data": kept})
        return filterset

    def get_context_data(self, **kwargs):
        return super().get_context_data(left_out_filters=", ".join(self.left_out_filters), **kwargs)


class InitiativeListView(InitiativeFilterMixin, FilterView):
    template_name = "mapping/initiative_list.html"
    paginate_by = 20


class InitiativeDetailView(StaffPreviewMixin, DetailView):
    """A published initiative; a pending or archived one only for staff whose admin shows it (partners.previews)."""

    template_name = "mapping/initiative_detail.html"

    def get_preview_queryset(self):
        return Initiative.objects.for_listing()

    def get_queryset(self):
        return self.get_preview_queryset().published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["map_points"] = map_points([self.object], link=False)
        context["json_ld"] = initiative_json_ld(self.object, site_url=settings.SITE_URL)
        return context


def _map_query(request):
    """The validated map query, its ETag and the links' address, computed once per request (ETag, Last-Modified and
    body share them): a `(query, etag, url_template)` tuple, or the `MapQueryError` that explains what is wrong."""
    if not hasattr(request, "_initiative_map_query"):
        filterset = InitiativeFilter(request.GET, queryset=Initiative.objects.published())
        try:
            if not filterset.is_valid():
                raise MapQueryError(
                    " ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
                )
            query = MapQuery.from_request(filterset.qs, request.GET, filter_query_string(request.GET))
            url_template = request.build_absolute_uri(reverse("mapping:initiative_detail", kwargs={"slug": "__slug__"}))
            request._initiative_map_query = (query, MAP_DATA.etag(*query.etag_parts(url_template)), url_template)
        except MapQueryError as error:
            request._initiative_map_query = error
    return request._initiative_map_query


def _etag(request):
    result = _map_query(request)
    return None if isinstance(result, MapQueryError) or not result[0].is_canonical(request.GET) else result[1]


def _last_modified(request):
    result = _map_query(request)
    return None if isinstance(result, MapQueryError) else MAP_DATA.current().last_modified


def _parameters():
    return [*InitiativeFilter.base_filters, "bbox", "zoom"]


@require_safe
@public_cache(etag_func=_etag, last_modified_func=_last_modified, parameters=_parameters)
def initiatives_geojson(request):
    """Published initiatives as a GeoJSON FeatureCollection; see `mapping.geojson` for parameters and clustering."""
    result = _map_query(request)
    if isinstance(result, MapQueryError):
        return JsonResponse({"error": str(result)}, status=400)
    query, _etag_value, url_template = result
    if not query.is_canonical(request.GET):
        # The answer for the grid box that holds this one: one cached answer for every view of that grid square.
        params = request.GET.copy()
        for name, value in query.canonical.items():
            params[name] = value
        return HttpResponseRedirect(f"{request.path}?{params.urlencode(safe=',')}")
    response = HttpResponse(query.render(url_template), content_type="application/geo+json")
    response["Link"] = licence_link_header()
    # Open data: any site may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# Rows fetched from the database per round trip while the CSV streams: memory stays flat for any number of rows.
CSV_CHUNK_ROWS = 2000


def csv_with_contacts(request) -> bool:
    """Whether the CSV gives this request the contact columns: only to staff who passed both steps of the login, as
    bulk contact lists invite misuse and a password alone may have been stolen."""
    return is_verified_staff(request.user)


@require_safe
def initiatives_csv(request):
    """The filtered list as CSV, streamed; contact columns only for verified staff (`csv_with_contacts`)."""
    filterset = InitiativeFilter(request.GET, queryset=Initiative.objects.published().for_listing())
    if not filterset.is_valid():
        errors = " ".join(f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items())
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    with_contacts = csv_with_contacts(request)
    initiatives = filterset.qs.order_by("title", "pk").iterator(chunk_size=CSV_CHUNK_ROWS)
    response = StreamingHttpResponse(
        csv_lines(initiatives, with_contacts=with_contacts), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="libri-initiatives.csv"'
    response["Link"] = licence_link_header()
    response["Vary"] = "Cookie"
    if with_contacts:
        patch_cache_control(response, private=True, no_store=True)
    return response


class InitiativeSuggestView(SpamProtectedFormViewMixin, CreateView):
    """ "Add an initiative": anyone may suggest one; it waits, unseen, until a coordinator approves it. A refused
    form answers 400 (429 when too many came from one address)."""

    form_class = InitiativeSuggestionForm
    template_name = "mapping/suggest.html"
    success_url = reverse_lazy("mapping:suggest_thanks")

    def form_valid(self, form):
        try:
            self.object = services.suggestion_create(
                initiative=form.save(commit=False),
                submitter_email=form.cleaned_data["submitter_email"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_model_errors(error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())


class InitiativeSuggestThanksView(TemplateView):
    template_name = "mapping/suggest_thanks.html"
