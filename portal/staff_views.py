"""Staff pages: the dashboard and the progress reports (request, progress, download, history).

Coordinators see everything; a librarian sees her own libraries' figures and her own reports. Signing in goes
through the admin's login, and the admin's one-time password step applies here too.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import CreateView, DetailView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin
from django_filters.views import FilterView

from partners import roles
from partners.middleware import owed_two_factor_step, redirect_to_two_factor_step

from . import dashboard
from .forms import ReportFilter, ReportRequestForm
from .models import Report


@method_decorator(never_cache, name="dispatch")
class StaffMixin:
    """Staff members with a role only: anonymous visitors go to the admin login, others get 403."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (user.is_active and user.is_staff and (roles.is_coordinator(user) or roles.organisation_ids(user))):
            raise PermissionDenied
        step = owed_two_factor_step(user)
        if step:
            return redirect_to_two_factor_step(request, step)
        return super().dispatch(request, *args, **kwargs)

    @property
    def is_coordinator(self):
        return roles.is_coordinator(self.request.user)

    def reports(self):
        """The reports she may see: all for coordinators, her own for librarians."""
        reports = Report.objects.for_history()
        return reports if self.is_coordinator else reports.requested_by(self.request.user)


class DashboardView(StaffMixin, TemplateView):
    template_name = "portal/staff/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation_ids = None if self.is_coordinator else roles.organisation_ids(self.request.user)
        context.update(
            figures=dashboard.dashboard(organisation_ids=organisation_ids),
            is_coordinator=self.is_coordinator,
            latest_reports=self.reports()[:5],
        )
        return context


class ReportListView(StaffMixin, FilterView):
    template_name = "portal/staff/report_list.html"
    filterset_class = ReportFilter
    paginate_by = 25
    context_object_name = "reports"

    def get_queryset(self):
        return self.reports()

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if not self.is_coordinator:
            del filterset.filters["requested_by"]
        return filterset


class ReportCreateView(StaffMixin, CreateView):
    template_name = "portal/staff/report_form.html"
    form_class = ReportRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        self.object = form.request()
        return redirect(self.object)


class ReportAgainView(StaffMixin, SingleObjectMixin, View):
    """One click on a failed or expired report asks for the same report again (a new request, shown in the
    history beside the old one); if her choice of libraries is no longer hers, the request form says why."""

    http_method_names = ["post"]

    def get_queryset(self):
        return self.reports()

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        if not report.can_be_built_again:
            return redirect(report)
        form = ReportRequestForm.again(report, user=request.user)
        if not form.is_valid():
            return TemplateResponse(request, ReportCreateView.template_name, {"form": form})
        return redirect(form.request())


class ReportDetailView(StaffMixin, DetailView):
    """The report's state; with JavaScript the progress updates itself, without it a reload shows the latest."""

    template_name = "portal/staff/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return self.reports()


def status_data(report):
    return {
        "status": report.status,
        "status_label": str(report.get_state_display()),
        "progress": report.progress,
        "step": report.step,
        "error": report.error,
        "finished": report.is_finished,
        "download_url": reverse("staff:report_download", kwargs={"pk": report.pk}) if report.is_downloadable else "",
    }


class ReportStatusView(StaffMixin, SingleObjectMixin, View):
    """The report's progress as JSON, for the page's script."""

    def get_queryset(self):
        return self.reports()

    def get(self, request, *args, **kwargs):
        return JsonResponse(status_data(self.get_object()))


class ReportDownloadView(StaffMixin, SingleObjectMixin, View):
    def get_queryset(self):
        return self.reports()

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        if not report.is_downloadable:
            raise Http404("The report's file is not ready or has been deleted.")
        try:
            handle = report.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("The report's file is missing.") from error
        return FileResponse(handle, as_attachment=True, filename=report.download_name)
