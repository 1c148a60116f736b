"""The portal's admin site: Django's, with "View on site" held to the same scope as every other admin page, every
registered admin steady under input no form checks (`SteadyChangelistMixin`), and every change list filtered only
by what it offers (`OfferedLookupsMixin`)."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import DataError, router, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groundwork.keys import is_written_key
from groundwork.validators import EARLIEST_DATE, LATEST_DATE

DATE_PARTS = ("year", "month", "day")


class KeysOnlyAutocompleteMixin:
    """An autocomplete widget that looks up only the values that are ids as the portal writes them: a form sent back
    with another value in the field (`abc`, `١`) shows the field's error with nothing chosen. Django's widget looks
    every value up to show its label, and a value the id column refuses fails the page."""

    def optgroups(self, name, value, attr=None):
        key = self.field.target_field
        return super().optgroups(name, [v for v in value if is_written_key(key, str(v))], attr)


class KeysOnlyAutocompleteSelect(KeysOnlyAutocompleteMixin, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(KeysOnlyAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class SteadyChangelistMixin:
    """What the change list of every admin does with query and form values that reach it unchecked.

    - Selected rows of an action (`_selected_action`) that are not ids of the model: Django would filter by them
      and fail; the page says to select the rows again.
    - A date hierarchy year, month or day that is no number, is written in other digits than ASCII's or lies outside
      the years dates may have (groundwork.validators): Django would fail building the range or drawing the links
      (or read `٢٠٢٥` as 2025); the list shows every date again, saying why.
    - An add page's initial values from the query (`?event=<id>`) for a relation that are not ids of the related
      model: the autocomplete widget would look them up as they come (an id beyond the column's range fails the
      query); the form starts empty for that field instead.
    - A lookup value in the query that the database or Python's dates cannot take (`?created_at__year=0`,
      `__year__gt=99999999999`, `__iso_year=0`, a regular expression the database cannot read, `?title__regex=[`),
      or a number not written as the portal writes it (`?host__id__exact=١`, `１`, ` 1`, `01`: groundwork.lookups):
      the list would fail counting its rows, or filter by another number; it is shown whole with `?e=1`, as Django
      answers a lookup it cannot read (`?created_at__year=abc`), saying why.
    - An object's id in an address (change, delete, history and every page of an admin taking an id) not written as
      the portal writes it (`١`, ` 1`, `01`, `1_0`): Django's `to_python` reads it as an id; here it is no object's,
      so the page answers as for an id that does not exist. An empty `?_to_field=` is no field: the id is the key.
    - A form sent back with a value that is no id in an autocomplete field (`KeysOnlyAutocompleteMixin`): the page
      shows the field's error instead of failing to look the value up.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        # An empty `_to_field` in the query names no field (Django would look for a field named ""): the key.
        from_field = from_field or None
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        if not is_written_key(field, object_id):
            return None
        return super().get_object(request, object_id, from_field)

    def get_changelist_instance(self, request):
        # Of the query, only the lookups reach the list's queries as values.
        if not set(request.GET) - {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}:
            return super().get_changelist_instance(request)
        try:
            # The list counts its rows while it is built, so a lookup value the database or Python cannot take fails
            # here. The savepoint keeps an enclosing transaction usable after PostgreSQL refused the query.
            with transaction.atomic(using=router.db_for_read(self.model)):
                return super().get_changelist_instance(request)
        except (IncorrectLookupParameters, ValueError, OverflowError, DataError) as error:
            if ERROR_FLAG not in request.GET:
                self.message_user(
                    request,
                    gettext("A filter or page in the address could not be read: showing the whole list."),
                    messages.WARNING,
                    fail_silently=True,
                )
            raise IncorrectLookupParameters(error) from error

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.is_relation and not self._selection_is_ids(
                value if isinstance(value, list) else [value], model=field.related_model
            ):
                del initial[name]
        return initial

    def changelist_view(self, request, extra_context=None):
        # Django's first step, taken before the checks below: someone who may not see the list learns only that.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not self._selection_is_ids(request.POST.getlist(ACTION_CHECKBOX_NAME)):
            self.message_user(
                request, gettext("The selection could not be read. Select the rows again."), messages.WARNING
            )
            return HttpResponseRedirect(request.get_full_path())
        date_parameters = [f"{self.date_hierarchy}__{part}" for part in DATE_PARTS] if self.date_hierarchy else []
        if date_parameters and not self._date_is_plausible(*(request.GET.get(name) for name in date_parameters)):
            self.message_user(
                request,
                gettext("Dates from %(earliest)d to %(latest)d only: showing every date.")
                % {"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
                messages.WARNING,
            )
            query = request.GET.copy()
            for name in date_parameters:
                query.pop(name, None)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
        return super().changelist_view(request, extra_context)

    def _selection_is_ids(self, selected, model=None):
        key = (model or self.model)._meta.pk
        return all(is_written_key(key, value) for value in selected)

    @staticmethod
    def _date_is_plausible(year, month, day):
        if year is None:
            return month is None and day is None
        # Django reads the parts with int(), which takes other digits than ASCII's (`٢٠٢٥` for 2025).
        if not all(part.isascii() for part in (year, month, day) if part is not None):
            return False
        try:
            start = datetime.date(int(year), int(month or 1), int(day or 1))
        except (TypeError, ValueError, OverflowError):
            return False
        return EARLIEST_DATE <= start <= LATEST_DATE


def lookup_fields(model, lookup):
    """The names of the fields a query lookup walks from `model`, up to the first part that names no field (a
    lookup such as `exact` or `startswith`, a transform such as `year`): `event__organiser__id__exact` walks
    ("event", "organiser"), `email__startswith` ("email",), `published` none. A relation followed by the key of the
    row it leads to is the relation alone: `event`, `event_id`, `event__id__exact`, `event__pk` all walk ("event",);
    `pk` is the primary key's name."""
    opts, previous, walked = model._meta, None, []
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            break
        key = getattr(field, "primary_key", False) or field.name in (getattr(previous, "to_fields", None) or ())
        if previous is not None and key:
            break
        walked.append(field.name)
        if not field.is_relation or field.related_model is None:
            break
        opts, previous = field.related_model._meta, field
    return tuple(walked)


class OfferedLookupsMixin:
    """A change list filters only by what it offers the person looking at it.

    Django's change list applies any lookup of the query to its rows; its `lookup_allowed` refuses only lookups
    across two relations or more that no list filter names. Through a field of the row itself, or a value its query
    adds, anyone who may open a list could read what the list never shows her, letter by letter:
    `?submitter_email__startswith=o` on initiatives, `?token__startswith=` (a registrant's personal link) on
    registrations, `?password__startswith=` on accounts, `?key__startswith=` on authenticators.

    Here a lookup is accepted only on what the list offers for this request — the fields of
    `get_list_filter(request)` (a librarian's may differ from a coordinator's), the parameters of its
    `SimpleListFilter`s, its date hierarchy and the primary key, with any lookup or transform (`exact`, `isnull`,
    `year`: what the list's own filters and links send) — and on Django's choices for a raw-id popup
    (`limit_choices_to`). Anything else Django answers with 400. Searching goes through `search_fields` (`?q=`),
    which say how each field is searched.
    """

    def lookup_allowed(self, lookup, value, request=None):
        if self.lookup_key(lookup) not in self.offered_lookups(request) and not self._limits_choices(lookup, value):
            return False
        return super().lookup_allowed(lookup, value, request)

    def lookup_key(self, name):
        """The fields `name` walks (`lookup_fields`), or `name` itself when it names no field."""
        return lookup_fields(self.model, name) or name

    def offered_lookups(self, request):
        """The lookup keys (`lookup_key`) by which this list may be filtered for `request`."""
        names = [self.model._meta.pk.name]
        if self.date_hierarchy:
            names.append(self.date_hierarchy)
        for entry in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(entry, (list, tuple)):
                entry = entry[0]
            elif isinstance(entry, type) and issubclass(entry, admin.SimpleListFilter):
                entry = entry.parameter_name
            names.append(entry)
        return {self.lookup_key(name) for name in names}

    def _limits_choices(self, lookup, value):
        # As Django's own `lookup_allowed`: the popup of a raw-id field lists the rows its `limit_choices_to` allows.
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class PortalAdminSite(admin.AdminSite):
    # Staff work in the portal's name, not Django's: the header, the browser tab and the start page say LIBRI.
    site_header = _("LIBRI staff pages")
    site_title = _("LIBRI staff")
    index_title = _("What would you like to work on?")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, the admin (a project's or an installed app's) given `SteadyChangelistMixin` and
        `OfferedLookupsMixin`."""
        admin_class = admin_class or admin.ModelAdmin
        mixins = tuple(
            mixin for mixin in (SteadyChangelistMixin, OfferedLookupsMixin) if not issubclass(admin_class, mixin)
        )
        if mixins:
            admin_class = type(
                admin_class.__name__,
                (*mixins, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = path(
                    "r/<path:content_type_id>/<path:object_id>/",
                    self.admin_view(self.view_on_site),
                    name="view_on_site",
                )
        return urls

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to an object's public page only if her admin shows her the object.

        Django's own view redirects for any object of any model, so counting ids up from 1 would reveal the
        addresses of other libraries' drafts. Here the object is looked up through its model's admin: another
        library's object answers 403 (as its change page does), a model without an admin or a missing object 404.
        """
        if not is_written_key(ContentType._meta.pk, content_type_id):
            raise Http404
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is not None:
            obj = model_admin.get_object(request, unquote(object_id))
        else:
            # A row edited only in an inline (a guide's file) is judged by the row its page belongs to.
            model_admin, obj = self._inline_parent(request, model, unquote(object_id))
        if obj is None:
            raise Http404
        if not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def _inline_parent(self, request, model, object_id):
        """`(admin, row)`: the registered admin that edits `model` in an inline, and the row of `model`'s object
        it shows (through the inline's foreign key), as that admin looks it up for `request`; `(None, None)` when
        no admin edits `model` or there is no such object."""
        if model is None or not is_written_key(model._meta.pk, object_id):
            return None, None
        for parent_admin in self._registry.values():
            for inline in parent_admin.inlines:
                if inline.model is not model:
                    continue
                link = next(
                    field
                    for field in model._meta.fields
                    if field.many_to_one
                    and field.related_model is parent_admin.model
                    and inline.fk_name in (None, field.name)
                )
                parent_id = model._default_manager.filter(pk=object_id).values_list(link.attname, flat=True).first()
                if parent_id is None:
                    return None, None
                return parent_admin, parent_admin.get_object(request, str(parent_id))
        return None, None
