from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import get_translation_fields

from partners import roles
from partners.admin import (
    ACCESS_FACTS_FIELDSET,
    PLACE_FIELDSET,
    AuditTrailAdmin,
    OrganisationScopedAdminMixin,
    PlaceAdminMixin,
)

from . import imports, services
from .forms import InitiativeImportForm, InitiativeRejectForm
from .models import Initiative, InitiativeImport
from .sheets import FACT_COLUMNS

# Who suggested an initiative: kept only to tell her the decision, and seen by coordinators only.
SUBMITTER_FIELDS = ("submitter_email", "submitter_language")

MODERATION_FIELDSET = (
    _("Suggestion from the public"),
    {"fields": (*SUBMITTER_FIELDS, "rejection_reason"), "classes": ("collapse",)},
)


@admin.register(Initiative)
class InitiativeAdmin(OrganisationScopedAdminMixin, PlaceAdminMixin, AuditTrailAdmin, TabbedTranslationAdmin):
    """Initiatives of every source; the public's suggestions are moderated by coordinators alone.

    A librarian works on her library's initiatives (`OrganisationScopedAdminMixin`), but a suggestion from the
    public is hers only once a coordinator has published it: until then (pending, rejected or archived) it is out
    of her sight — list, search, change and history pages, actions and previews — whichever library it names as
    host, since that is the visitor's word, not the library's. Deciding on a suggestion is thereby a coordinator's
    work, through the actions or the change form, and every way of deciding goes through `mapping.services`, which
    tells the submitter. Who the submitter is (`SUBMITTER_FIELDS`) only coordinators see: a librarian's change,
    history and version pages leave those fields out, and the list offers no filter on them, so that no address
    filters by them either (`portal.admin_site.OfferedLookupsMixin`).
    """

    organisation_field = "host"
    change_list_template = "mapping/admin/initiative_change_list.html"
    list_display = (
        "display_title",
        "category",
        "status",
        "source",
        "host",
        "city",
        "country",
        "is_sample",
        "updated_at",
    )
    list_filter = ("status", "category", "source", "country", "is_sample")
    list_select_related = ("host",)
    search_fields = (
        *get_translation_fields("title"),
        *get_translation_fields("description"),
        "slug",
        "city",
        "external_id",
    )
    autocomplete_fields = ("host",)
    prepopulated_fields = {"slug": ("title",)}
    # The source is where the row came from: the portal sets it (a suggestion, an import), no form changes it.
    readonly_fields = ("created_at", "updated_at", "source", *SUBMITTER_FIELDS, "rejection_reason")
    date_hierarchy = "created_at"
    actions = ("approve_initiatives", "reject_suggestions", "archive_initiatives")
    fieldsets = (
        (None, {"fields": ("title", "slug", "category", "description", "host")}),
        (_("Who and in which languages"), {"fields": ("languages", "target_groups")}),
        ACCESS_FACTS_FIELDSET,
        (_("Contact"), {"fields": ("contact_name", "contact_email", "contact_phone", "website")}),
        (_("Active period"), {"fields": ("active_since", "active_until")}),
        PLACE_FIELDSET,
        (_("Record"), {"fields": ("status", "source", "external_id", "is_sample", "created_at", "updated_at")}),
    )

    def may_moderate(self, request):
        """Deciding on the public's suggestions and seeing who sent them: coordinators and superusers."""
        return roles.is_coordinator(request.user)

    def has_moderate_permission(self, request):
        return self.may_moderate(request) and self.has_change_permission(request)

    def scope_queryset(self, request, queryset):
        queryset = super().scope_queryset(request, queryset)
        return queryset if self.may_moderate(request) else queryset.without_unpublished_suggestions()

    def object_in_scope(self, request, obj):
        if obj is not None and obj.is_unpublished_suggestion and not self.may_moderate(request):
            return False
        return super().object_in_scope(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, MODERATION_FIELDSET] if self.may_moderate(request) else fieldsets

    def get_history_hidden_fields(self, request):
        return () if self.may_moderate(request) else SUBMITTER_FIELDS

    def save_model(self, request, obj, form, change):
        # A status changed here is a decision, taken as the actions take it.
        services.initiative_save(initiative=obj)

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, initiative):
        # A suggestion written in Ukrainian or Russian has no title in Latvian or English (the fallbacks) yet.
        return str(initiative)

    def _change_status(self, request, queryset, service, done_message):
        changed = 0
        for initiative in queryset:
            try:
                service(initiative)
            except ValidationError as error:
                self.message_user(request, f"{initiative}: {' '.join(error.messages)}", messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)

    @admin.action(description=_("Approve and publish the selected initiatives"), permissions=("change",))
    def approve_initiatives(self, request, queryset):
        self._change_status(
            request,
            queryset,
            lambda initiative: services.initiative_approve(initiative=initiative),
            lambda count: (
                ngettext("%(count)d initiative published.", "%(count)d initiatives published.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Archive the selected initiatives"), permissions=("change",))
    def archive_initiatives(self, request, queryset):
        self._change_status(
            request,
            queryset,
            lambda initiative: services.initiative_archive(initiative=initiative),
            lambda count: (
                ngettext("%(count)d initiative archived.", "%(count)d initiatives archived.", count) % {"count": count}
            ),
        )

    @admin.action(description=_("Reject the selected suggestions, with a reason"), permissions=("moderate",))
    def reject_suggestions(self, request, queryset):
        """Asks for the reason on a page of its own, then archives each suggestion and tells its submitter."""
        form = InitiativeRejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            self._change_status(
                request,
                queryset,
                lambda initiative: services.initiative_reject(
                    initiative=initiative, reason=form.cleaned_data["reason"]
                ),
                lambda count: (
                    ngettext("%(count)d suggestion rejected.", "%(count)d suggestions rejected.", count)
                    % {"count": count}
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject suggestions"),
            "opts": self.model._meta,
            "form": form,
            "initiatives": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "mapping/admin/reject_suggestions.html", context)

    # --- Spreadsheet import (coordinators only) -----------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_upload_view), name="mapping_initiative_import"),
            path("import/<int:pk>/", wrap(self.import_preview_view), name="mapping_initiative_import_preview"),
            path(
                "import/template.<str:kind>",
                wrap(self.import_template_view),
                name="mapping_initiative_import_template",
            ),
            *super().get_urls(),
        ]

    def can_import(self, request):
        """Imports touch initiatives of every organisation, so only coordinators (and superusers) run them."""
        return (
            roles.is_coordinator(request.user)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def _require_import(self, request):
        if not self.can_import(request):
            raise PermissionDenied

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "can_import": self.can_import(request)})

    def _import_context(self, request, title, **kwargs):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **kwargs}

    def import_upload_view(self, request):
        self._require_import(request)
        form = InitiativeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                sheet_import = services.initiative_import_preview(
                    file=form.cleaned_data["file"], user=request.user, publish=form.cleaned_data["publish"]
                )
            except imports.SheetError as error:
                form.add_error("file", error.messages)
            else:
                return redirect("admin:mapping_initiative_import_preview", pk=sheet_import.pk)
        context = self._import_context(
            request,
            _("Import initiatives from a spreadsheet"),
            form=form,
            fact_columns=", ".join(FACT_COLUMNS),
            recent_imports=InitiativeImport.objects.select_related("uploaded_by")[:10],
        )
        return TemplateResponse(request, "mapping/admin/import_upload.html", context)

    def import_preview_view(self, request, pk):
        self._require_import(request)
        sheet_import = get_object_or_404(InitiativeImport, pk=pk)
        if request.method == "POST":
            try:
                sheet_import = services.initiative_import_confirm(sheet_import=sheet_import)
            except services.ImportRefused as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:mapping_initiative_import_preview", pk=pk)
            self.message_user(
                request,
                _("Imported: %(created)d initiatives created, %(updated)d updated.")
                % {"created": sheet_import.created_count, "updated": sheet_import.updated_count},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:mapping_initiative_changelist") + "?source__exact=import")
        context = self._import_context(
            request,
            _("Check the rows before importing"),
            sheet_import=sheet_import,
            rows=sheet_import.rows,
        )
        return TemplateResponse(request, "mapping/admin/import_preview.html", context)

    def import_template_view(self, request, kind):
        self._require_import(request)
        if kind == "csv":
            response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
        elif kind == "xlsx":
            response = HttpResponse(
                imports.template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            raise Http404
        response["Content-Disposition"] = f'attachment; filename="libri-initiatives-template.{kind}"'
        return response
