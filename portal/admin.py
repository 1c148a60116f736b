from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.admin import CoordinatorOnlyAdminMixin

from . import services
from .models import Report


@admin.register(Report)
class ReportAdmin(CoordinatorOnlyAdminMixin, admin.ModelAdmin):
    """The history of progress reports for coordinators; reports are requested and followed on the staff pages."""

    list_display = ("__str__", "requested_by", "requested_at", "format", "language", "status", "progress", "page")
    list_filter = ("status", "format", "language", "requested_by")
    list_select_related = ("requested_by",)
    date_hierarchy = "requested_at"
    search_fields = ("requested_by__username", "requested_by__first_name", "requested_by__last_name")
    readonly_fields = (*(field.name for field in Report._meta.fields), "libraries")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("page"))
    def page(self, report):
        return format_html('<a href="{}">{}</a>', reverse("staff:report_detail", kwargs={"pk": report.pk}), _("Open"))

    def delete_model(self, request, obj):
        services.report_delete(report=obj)

    def delete_queryset(self, request, queryset):
        for report in queryset:
            services.report_delete(report=report)
