from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from groundwork.fields import CoordinateField
from groundwork.keys import is_written_key
from groundwork.widgets import CoordinateInput, PointPickerWidget

from . import audit_trail, roles, services
from .admin_views import StaffPasswordSetView, TwoFactorSetupView, TwoFactorVerifyView
from .models import Agreement, Organisation, StaffMembership

User = get_user_model()


class PlaceAdminMixin:
    """Gives the latitude and longitude of a `partners.models.Place` subclass the map point picker and the decimal
    comma.

    Contract: put the mixin first in the bases of a `ModelAdmin` or an inline whose model has the decimal fields
    named by `latitude_field` and `longitude_field` (`latitude`, `longitude` on every `Place`)::

        @admin.register(Event)
        class EventAdmin(PlaceAdminMixin, TabbedTranslationAdmin): ...

    Both fields become `groundwork.fields.CoordinateField`s, the field the public suggestion form uses: "56,9496"
    is read as "56.9496", text or a number off the globe is a field error naming the value, and more than the
    model's 5 decimal places is refused, as before. Latitude gets a `CoordinateInput`, longitude a
    `PointPickerWidget`, which renders the map after itself and brings the Leaflet media with it. Show the two
    fields in the form (fieldsets included), latitude first. A form field or widget set explicitly
    (`formfield_overrides` aside, e.g. a field declared on a custom form) is left alone.
    """

    latitude_field = "latitude"
    longitude_field = "longitude"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        axis = {self.latitude_field: "latitude", self.longitude_field: "longitude"}.get(db_field.name)
        if axis is not None and "form_class" not in kwargs:
            kwargs.update(form_class=CoordinateField, axis=axis)
        if axis == "longitude":
            kwargs.setdefault(
                "widget",
                PointPickerWidget(latitude_field=self.latitude_field, longitude_field=self.longitude_field),
            )
        elif axis == "latitude":
            kwargs.setdefault("widget", CoordinateInput("latitude"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what a librarian may use (shared by admins and inlines).

    A relation named by `owner_field_name()` offers only her organisations and becomes required; a relation to a
    model whose admin is organisation-scoped offers only the rows that admin shows her. Coordinators see all.
    """

    def owner_field_name(self):
        return None

    def scoped_choices(self, db_field, request):
        """The queryset of choices for `db_field`, or None to leave Django's default."""
        if roles.is_coordinator(request.user):
            return None
        if db_field.name == self.owner_field_name():
            return Organisation.objects.filter(pk__in=roles.organisation_ids(request.user))
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        if isinstance(related_admin, OrganisationScopedAdminMixin):
            return related_admin.get_queryset(request)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = self.scoped_choices(db_field, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            formfield is not None
            and db_field.name == self.owner_field_name()
            and not roles.is_coordinator(request.user)
        ):
            # A row without an organisation would belong to nobody and vanish from her lists once saved.
            formfield.required = True
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = self.scoped_choices(db_field, request)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OwnRowsRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A list filter on a relation offering the values found in her rows (Django's `RelatedOnlyFieldListFilter`),
    applied whenever a value is chosen.

    Django leaves out, and so does not apply, a filter with fewer than two choices: where her rows hold one event
    only, the admin's link to another event's registrations (`?event__id__exact=<id>`) would list that one event's.
    """

    def has_output(self):
        return super().has_output() or self.lookup_val is not None or bool(self.lookup_val_isnull)


class OrganisationScopedAdminMixin(ScopedChoicesMixin):
    """Row-level scope: a librarian works only on her organisations' rows; coordinators and superusers on all.

    Contract: put the mixin first in the bases of the `ModelAdmin` of every model that belongs to an
    organisation, and set `organisation_field` to the lookup path from the model to the owning `Organisation`::

        @admin.register(Event)
        class EventAdmin(OrganisationScopedAdminMixin, PlaceAdminMixin, TabbedTranslationAdmin):
            organisation_field = "organiser"

        @admin.register(Registration)
        class RegistrationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
            organisation_field = "event__organiser"

    Her organisations are those of her staff memberships (`partners.roles`). What the mixin covers:

    - `get_queryset()`: changelist, search, admin actions, bulk delete and autocomplete results of this model;
      custom admin views and exports must start from `self.get_queryset(request)` too.
    - `get_object()`: another organisation's object by URL (change, delete, history) answers 403.
    - `has_view/change/delete_permission(request, obj)`: False for another organisation's object.
    - Choices: a direct owner relation (`organisation_field` without `__`) offers her organisations only and is
      required; relations to other scoped models offer their scoped rows. Saving forces her organisation when
      she has one and the owner is missing or not hers.
    - List filters on relations show only values found in her rows (`OwnRowsRelatedFilter`), and apply a value
      chosen even where her rows hold one value only.

    Inlines whose rows choose organisations or scoped rows use `OrganisationScopedInlineMixin`.
    """

    organisation_field = None

    def owner_field_name(self):
        """The direct relation to Organisation named by `organisation_field`, if it is one."""
        if not self.organisation_field or "__" in self.organisation_field:
            return None
        return self.organisation_field

    def scope_queryset(self, request, queryset):
        if roles.is_coordinator(request.user):
            return queryset
        lookup = {f"{self.organisation_field}__in": roles.organisation_ids(request.user)}
        if self.owner_field_name() and not self.model._meta.get_field(self.organisation_field).many_to_many:
            return queryset.filter(**lookup)
        # A path through a many-valued relation would repeat rows: filter by primary key instead.
        return queryset.filter(pk__in=self.model._default_manager.filter(**lookup).values("pk"))

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def object_in_scope(self, request, obj):
        if obj is None or roles.is_coordinator(request.user):
            return True
        owner = self.owner_field_name()
        if owner and not self.model._meta.get_field(owner).many_to_many:
            return getattr(obj, self.model._meta.get_field(owner).attname) in roles.organisation_ids(request.user)
        if obj.pk is None:
            return True
        return self.scope_queryset(request, self.model._default_manager.filter(pk=obj.pk)).exists()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None and not roles.is_coordinator(request.user):
            field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
            try:
                exists = self.model._default_manager.filter(**{field.name: field.to_python(object_id)}).exists()
            except (ValidationError, ValueError):
                exists = False
            if exists:
                raise PermissionDenied
        return obj

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.object_in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.object_in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.object_in_scope(request, obj)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        owner = self.owner_field_name()
        ids = roles.organisation_ids(request.user)
        if owner and not roles.is_coordinator(request.user) and len(ids) == 1:
            initial.setdefault(owner, next(iter(ids)))
        return initial

    def save_form(self, request, form, change):
        # Here rather than in save_model(), which admins replace with a service call.
        obj = super().save_form(request, form, change)
        owner = self.owner_field_name()
        if owner and not roles.is_coordinator(request.user):
            field = self.model._meta.get_field(owner)
            ids = roles.organisation_ids(request.user)
            if not field.many_to_many and getattr(obj, field.attname) not in ids:
                if len(ids) != 1:
                    raise PermissionDenied
                setattr(obj, field.attname, next(iter(ids)))
        return obj

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, self.scope_queryset(request, queryset))

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if roles.is_coordinator(request.user):
            return list_filter
        scoped = []
        for entry in list_filter:
            if isinstance(entry, str):
                try:
                    field = get_fields_from_path(self.model, entry)[-1]
                except FieldDoesNotExist:
                    field = None
                if field is not None and field.is_relation:
                    entry = (entry, OwnRowsRelatedFilter)
            scoped.append(entry)
        return scoped


class OrganisationScopedInlineMixin(ScopedChoicesMixin):
    """For inlines: their rows follow the parent's scope; their choices follow `ScopedChoicesMixin`.

    Set `organisation_field` when the inline row itself names its organisation (a direct relation).
    """

    organisation_field = None

    def owner_field_name(self):
        return self.organisation_field


class CoordinatorOnlyAdminMixin:
    """The admin of a model only coordinators (and superusers) work on: librarians do not even see it."""

    def has_module_permission(self, request):
        return roles.is_coordinator(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args, **kwargs):
        return roles.is_coordinator(request.user) and super().has_add_permission(request, *args, **kwargs)

    def has_change_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and super().has_delete_permission(request, obj)


def autocomplete_source(request, admin_site):
    """The admin and field name an autocomplete request comes from, or (None, None)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None, None
    from django.apps import apps

    try:
        model = apps.get_model(request.GET.get("app_label", ""), request.GET.get("model_name", ""))
    except (LookupError, ValueError):
        return None, None
    return admin_site._registry.get(model), request.GET.get("field_name")


def require_key(model, object_id):
    """Raise Http404 unless `object_id`, as it came in a URL, is an id of the model as the portal writes it."""
    if not is_written_key(model._meta.pk, unquote(object_id)):
        raise Http404(gettext("The id in this address is not valid."))


class AuditTrailAdmin(SimpleHistoryAdmin):
    """The base of every admin with an audit trail (django-simple-history's history pages).

    Those pages look rows up by the ids in their URL as they come (`abc`, `1.5`, a NUL character), which the
    database refuses with an error; here an id the primary key cannot hold answers 404 first, as Django's own admin
    pages do.

    Who may read a row's trail: a coordinator who may see the row, anyone else only where she may change it
    (`has_audit_trail_permission`): the trail names the staff who made each change. Reverting to an earlier version
    changes the row as it is now: it takes the right to change that row (django-simple-history's own view saves a
    posted version for anyone who may see the page, and judges the old version, not the row it overwrites).
    Fields a person may not read are left out of the changes her trail lists (`get_history_hidden_fields`).
    """

    def has_audit_trail_permission(self, request, obj):
        if roles.is_coordinator(request.user):
            return self.has_view_permission(request, obj)
        return self.has_change_permission(request, obj)

    def has_view_history_or_change_history_permission(self, request, obj=None):
        if getattr(request, "audit_trail_row_checked", False):
            # history_form_view judged the row as it is now; the package asks again about the old version, which
            # may belong to another library than the row does today.
            return True
        return self.has_audit_trail_permission(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        require_key(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The change page offers the History button only to whom the trail opens.
        context["may_read_audit_trail"] = obj is not None and self.has_audit_trail_permission(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_history_hidden_fields(self, request):
        """Names of the fields whose changes the trail does not show this person: values she may not read on the
        change page either (leave them out of `get_fieldsets()` too, which the page of one version uses)."""
        return ()

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # Each version compared with the one before it, without the hidden fields: labels instead of codes, and a
        # constant number of queries however long the page (partners.audit_trail).
        audit_trail.set_changes(historical_records, self.model, hidden=self.get_history_hidden_fields(request))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        require_key(self.model, object_id)
        require_key(self.model.history.model, version_id)
        writes = request.method not in ("GET", "HEAD")
        current = self.get_object(request, unquote(object_id))
        if current is None:
            if self.model._default_manager.filter(pk=unquote(object_id)).exists():
                raise PermissionDenied  # a row outside her scope
            # A deleted row: the package judges its last version, and reverting to it adds the row again.
            if writes and not self.has_add_permission(request):
                raise PermissionDenied
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_audit_trail_permission(request, current):
            raise PermissionDenied
        if writes and not self.has_change_permission(request, current):
            raise PermissionDenied
        request.audit_trail_row_checked = True
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        finally:
            request.audit_trail_row_checked = False


PLACE_FIELDSET = (
    _("Address and map point"),
    {"fields": ("street_address", "postal_code", "city", "country", "latitude", "longitude")},
)

# The facts of `partners.models.AccessFacts`: ticked only what holds; shown as icons and filtered on.
ACCESS_FACTS_FIELDSET = (
    _("Accessibility and practical facts"),
    {
        "fields": (
            ("step_free_access", "hearing_loop", "childcare"),
            ("interpretation_available", "online_participation", "free_of_charge"),
        ),
        "description": _("Tick only what holds for certain: visitors can filter on these facts."),
    },
)


@admin.register(Organisation)
class OrganisationAdmin(PlaceAdminMixin, AuditTrailAdmin, TabbedTranslationAdmin):
    list_display = ("name", "kind", "city", "country", "is_sample")
    list_filter = ("kind", "country", "is_sample")
    search_fields = (*get_translation_fields("name", "short_name"), "slug", "city")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "name", "short_name", "slug", "description", "logo")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        PLACE_FIELDSET,
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source_admin, field_name = autocomplete_source(request, self.admin_site)
        if isinstance(source_admin, ScopedChoicesMixin):
            # The autocomplete of an owner field offers what the form will accept: her organisations only.
            choices = source_admin.scoped_choices(source_admin.model._meta.get_field(field_name), request)
            if choices is not None and field_name == source_admin.owner_field_name():
                queryset = queryset.filter(pk__in=choices.values("pk"))
        return queryset, may_have_duplicates

    def has_add_permission(self, request):
        return roles.is_coordinator(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.is_coordinator(request.user) and super().has_delete_permission(request, obj)

    def has_audit_trail_permission(self, request, obj):
        # A librarian reads her own library's trail, though only coordinators change organisations.
        mine = obj is not None and obj.pk in roles.organisation_ids(request.user)
        return super().has_audit_trail_permission(request, obj) or (mine and self.has_view_permission(request, obj))


class AgreementAdminForm(forms.ModelForm):
    """The agreement form of the admin (the admin builds its `Meta` from the fieldsets)."""

    def clean(self):
        cleaned_data = super().clean()
        # Many-to-many values only exist in the form: the model's clean() cannot see the parties.
        parties = cleaned_data.get("parties")
        if parties is not None and len(parties) < 2:
            self.add_error("parties", _("An agreement needs at least two parties; choose one more organisation."))
        return cleaned_data


@admin.register(Agreement)
class AgreementAdmin(CoordinatorOnlyAdminMixin, AuditTrailAdmin, TabbedTranslationAdmin):
    form = AgreementAdminForm
    list_display = ("title", "kind", "signed_on", "valid_until", "party_names", "is_sample")
    list_filter = ("kind", "is_sample")
    search_fields = (*get_translation_fields("title"), "slug")
    date_hierarchy = "signed_on"
    autocomplete_fields = ("parties",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "parties", "summary")}),
        (_("Dates and document"), {"fields": ("signed_on", "valid_until", "document")}),
        (_("Record"), {"fields": ("is_sample", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).with_parties()

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return ", ".join(str(party) for party in agreement.parties.all())


class StaffInviteForm(forms.Form):
    # The address becomes her user name too, so it is no longer than a user name may be.
    email = forms.EmailField(
        label=_("e-mail"), help_text=_("Also her user name."), max_length=User._meta.get_field("username").max_length
    )
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.all())
    role = forms.ChoiceField(
        label=_("role"), choices=StaffMembership.Role.choices, initial=StaffMembership.Role.LIBRARIAN
    )


@admin.register(StaffMembership)
class StaffMembershipAdmin(CoordinatorOnlyAdminMixin, AuditTrailAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation")
    list_select_related = ("user", "organisation")
    search_fields = (
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        *(f"organisation__{name}" for name in get_translation_fields("name")),
    )
    autocomplete_fields = ("user", "organisation")
    change_list_template = "partners/admin/staffmembership_change_list.html"
    actions = ("resend_invitations",)

    def get_urls(self):
        return [
            path("invite/", self.admin_site.admin_view(self.invite_view), name="partners_staffmembership_invite"),
            path(
                "set-password/<uidb64>/<token>/",
                StaffPasswordSetView.as_view(admin_site=self.admin_site),
                name="partners_staffmembership_set_password",
            ),
            path(
                "two-factor/",
                self.admin_site.admin_view(TwoFactorVerifyView.as_view(admin_site=self.admin_site)),
                name="partners_two_factor_verify",
            ),
            path(
                "two-factor/setup/",
                self.admin_site.admin_view(TwoFactorSetupView.as_view(admin_site=self.admin_site)),
                name="partners_two_factor_setup",
            ),
            *super().get_urls(),
        ]

    def can_invite(self, request):
        return self.has_add_permission(request) and request.user.has_perm("auth.add_user")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"can_invite": self.can_invite(request), **(extra_context or {})})

    @admin.action(description=_("Send the invitation link again"), permissions=["invite"])
    def resend_invitations(self, request, queryset):
        sent, skipped = [], []
        for membership in queryset.select_related("user", "organisation"):
            resent = services.staff_invitation_resend(membership=membership, invited_by=request.user)
            (sent if resent else skipped).append(membership.user.email or membership.user.get_username())
        if sent:
            self.message_user(
                request, gettext("Invitation sent again to %(emails)s.") % {"emails": ", ".join(sent)}, messages.SUCCESS
            )
        if skipped:
            self.message_user(
                request,
                gettext("Not sent to %(emails)s: they have set a password already or their account is inactive.")
                % {"emails": ", ".join(skipped)},
                messages.WARNING,
            )

    def has_invite_permission(self, request):
        return self.can_invite(request)

    def invite_view(self, request):
        if not self.can_invite(request):
            raise PermissionDenied
        form = StaffInviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.staff_invite(**form.cleaned_data, invited_by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, gettext("Invitation sent to %(email)s.") % {"email": user.email}, messages.SUCCESS
                )
                return redirect("admin:partners_staffmembership_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Invite a staff member"),
            "form": form,
        }
        return TemplateResponse(request, "partners/admin/staff_invite.html", context)

    # A membership gives a role: a coordinator changes and deletes only those of accounts within her reach
    # (`roles.manageable_accounts`) and gives memberships only to them, so that she can neither demote another
    # coordinator nor turn a colleague's account into one whose password she may then set.

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = roles.manageable_accounts(request.user, User._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_account(request.user, obj.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_account(request.user, obj.user))

    def save_model(self, request, obj, form, change):
        previous = StaffMembership.objects.filter(pk=obj.pk).select_related("user").first() if change else None
        super().save_model(request, obj, form, change)
        roles.sync_user_groups(obj.user)
        if previous and previous.user_id != obj.user_id:
            # The membership moved to another person: the previous one may have lost her role.
            roles.sync_user_groups(previous.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        roles.sync_user_groups(obj.user)

    def delete_queryset(self, request, queryset):
        queryset = queryset.filter(user__in=roles.manageable_accounts(request.user, User._default_manager.all()))
        users = {membership.user for membership in queryset.select_related("user")}
        super().delete_queryset(request, queryset)
        for user in users:
            roles.sync_user_groups(user)


def permission_label(permission):
    """A permission as the admin lists it, its name in the page's language.

    Names are stored as `migrate` wrote them (in English); those the portal declares in a model's
    `Meta.permissions` are in its catalogues and are translated here, when shown. Django's own ("Can add event")
    have no translation and stay as they are.
    """
    return f"{permission.content_type} | {gettext(permission.name)}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class TranslatedPermissionsMixin:
    """Lists the permissions of the many-to-many fields named in `permission_fields` with translated names."""

    permission_fields = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.permission_fields:
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffAccountAdmin(TranslatedPermissionsMixin, UserAdmin):
    """Accounts: a superuser changes any; a coordinator only those within her reach, and a part of her own.

    Within her reach (`roles.manageable_accounts`) are accounts that hold no more than the librarian role; she
    changes their names, e-mail addresses, user names, passwords and whether they are active. Superusers, other
    coordinators and people given permissions of their own she only sees. On her own page she changes her name,
    e-mail address and user name; her password on the page that asks for the current one. Superuser status, groups and
    permissions are given by a superuser only: roles, and the groups behind them, come from staff memberships.
    She still adds accounts (Django's add form asks for a user name and a password only).
    """

    permission_fields = ("user_permissions",)
    # Read only for everyone but a superuser.
    privileged_fields = ("is_staff", "is_superuser", "groups", "given_permissions", "last_login", "date_joined")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # The permissions as read-only text, their names translated (`permission_label`).
        return [
            (
                name,
                {
                    **options,
                    "fields": ["given_permissions" if f == "user_permissions" else f for f in options["fields"]],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None or request.user.is_superuser:
            return readonly
        if obj.pk == request.user.pk:
            readonly += ("is_active",)
        return readonly + self.privileged_fields

    @admin.display(description=_("user permissions"))
    def given_permissions(self, account):
        permissions = account.user_permissions.select_related("content_type")
        return ", ".join(permission_label(permission) for permission in permissions) or "-"

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return obj.pk == request.user.pk or roles.may_manage_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_account(request.user, obj))

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, roles.manageable_accounts(request.user, queryset))

    @method_decorator(sensitive_post_parameters())
    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is not None and account.pk == request.user.pk and not request.user.is_superuser:
            # Her own password is changed where the current one is asked for: an open session is not enough.
            return redirect("admin:password_change")
        if account is not None and not roles.may_manage_account(request.user, account):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source_admin, field_name = autocomplete_source(request, self.admin_site)
        if isinstance(source_admin, StaffMembershipAdmin) and field_name == "user":
            # The autocomplete offers what the membership form accepts.
            queryset = roles.manageable_accounts(request.user, queryset)
        return queryset, may_have_duplicates


@admin.register(Group)
class RoleGroupAdmin(TranslatedPermissionsMixin, GroupAdmin):
    """The role groups; their permissions are declared in `partners.roles` and written by `manage.py sync_roles`."""

    permission_fields = ("permissions",)


class OwnerSetsUpAdminMixin:
    """Authenticators and backup codes in the admin: coordinators see who has them and delete a lost one.

    Nobody adds or changes one for another person: the owner pairs her authenticator and gets her backup codes on
    her own page (`TwoFactorSetupView`). Keys, QR codes and codes are never shown (`OTP_ADMIN_HIDE_SENSITIVE_DATA`).
    A coordinator deletes only the devices of accounts within her reach (`roles.manageable_accounts`): never a
    superuser's, another coordinator's or her own, which would leave that login guarded by a password alone.
    """

    def has_add_permission(self, request, *args, **kwargs):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or roles.may_manage_account(request.user, obj.user))

    def delete_queryset(self, request, queryset):
        reach = roles.manageable_accounts(request.user, User._default_manager.all())
        super().delete_queryset(request, queryset.filter(user__in=reach))


# django-otp and django-axes register their admins when their admin modules are imported (above); these take
# their place.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)
admin.site.unregister(AccessAttempt)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(OwnerSetsUpAdminMixin, TOTPDeviceAdmin):
    pass


@admin.register(StaticDevice)
class BackupCodesAdmin(OwnerSetsUpAdminMixin, StaticDeviceAdmin):
    pass


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """Coordinators unlock a person by deleting her failed attempts, for names within their reach only: unlocking
    a superuser's or another coordinator's name again and again would let her try their passwords without end."""

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (
            obj is None or (obj.username or "").lower() not in roles.usernames_beyond_reach(request.user)
        )

    def delete_queryset(self, request, queryset):
        beyond = roles.usernames_beyond_reach(request.user)
        within = [attempt.pk for attempt in queryset if (attempt.username or "").lower() not in beyond]
        super().delete_queryset(request, queryset.filter(pk__in=within))
