from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import DetailView, ListView

from activities.models import Event
from groundwork.uploads import FORMATS
from partners.previews import StaffPreviewMixin, preview_queryset

from . import search
from .filters import ResourceFilter
from .models import ActionItem, Resource, ResourceFile, Strategy
from .services import resource_file_count_download


class ResourceListView(ListView):
    """The guide library: facets, search and sorting from the query string; a 400 page for invalid choices."""

    template_name = "resources/resource_list.html"
    context_object_name = "resources"
    paginate_by = 12

    def get_queryset(self):
        self.filterset = ResourceFilter(
            self.request.GET, queryset=Resource.objects.published().for_listing(), request=self.request
        )
        if not self.filterset.is_valid():
            return Resource.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        terms = self.filterset.search_terms
        for resource in context["resources"]:
            resource.snippet = search.snippet_html(resource, terms)
        context.update(
            filter=self.filterset,
            facets=self.filterset.facets(),
            search_terms=terms,
            sort_order=self.filterset.sort_order if self.filterset.is_valid() else None,
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        if not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class ResourceDetailView(StaffPreviewMixin, DetailView):
    """A published resource; a draft or scheduled one only for staff whose admin shows it (partners.previews)."""

    template_name = "resources/resource_detail.html"
    context_object_name = "resource"

    def get_preview_queryset(self):
        return Resource.objects.for_detail()

    def get_queryset(self):
        return self.get_preview_queryset().published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["related_resources"] = Resource.objects.published().related_to(self.object)
        return context


class FileDownloadView(View):
    """Serve a published resource's file as a download, and count it (a number only, nothing about the visitor)."""

    def get(self, request, pk):
        resource_file, preview = self._resource_file(request, pk)
        response = self._response(resource_file)
        if preview:
            add_never_cache_headers(response)
        else:
            resource_file_count_download(resource_file=resource_file)
        return response

    def head(self, request, pk):
        """The same headers without the file: link checkers and prefetchers do not count as downloads."""
        resource_file, _preview = self._resource_file(request, pk)
        response = HttpResponse(content_type=self._content_type(resource_file))
        response["Content-Disposition"] = content_disposition_header(True, resource_file.download_name)
        response["Content-Length"] = str(resource_file.size)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @staticmethod
    def _resource_file(request, pk):
        """The file and whether it is a staff preview: a file of an unpublished resource is served only to staff
        whose admin shows them the resource, and such a download is not counted."""
        files = ResourceFile.objects.select_related("resource")
        published = files.filter(resource__in=Resource.objects.published(), pk=pk).first()
        if published is not None:
            return published, False
        previewable = preview_queryset(request, Resource.objects.all())
        return get_object_or_404(files.filter(resource__in=previewable), pk=pk), True

    @staticmethod
    def _content_type(resource_file):
        fmt = FORMATS.get(resource_file.format)
        return fmt.mime if fmt else "application/octet-stream"

    @staticmethod
    def _response(resource_file):
        try:
            handle = resource_file.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("The file is missing from storage.") from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=resource_file.download_name,
            content_type=FileDownloadView._content_type(resource_file),
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class StrategyListView(ListView):
    template_name = "resources/strategy_list.html"
    context_object_name = "strategies"
    paginate_by = 20

    def get_queryset(self):
        return Strategy.objects.adopted().with_progress().select_related("library").order_by("-adopted_on", "pk")


class StrategyDetailView(StaffPreviewMixin, DetailView):
    """One adopted strategy with its action plan and how far it has got; a draft only for staff whose admin shows it
    (partners.previews)."""

    template_name = "resources/strategy_detail.html"
    context_object_name = "strategy"

    def get_queryset(self):
        return self.get_preview_queryset().adopted()

    def get_preview_queryset(self):
        return (
            Strategy.objects.with_progress()
            .select_related("library", "document")
            .prefetch_related(
                "partners",
                "agreements",
                "document__files",
                Prefetch(
                    "action_items",
                    queryset=ActionItem.objects.select_related("responsible").prefetch_related(
                        Prefetch("events", queryset=Event.objects.published())
                    ),
                ),
            )
        )
