"""The public event list's filters: every one kept in the query string so that a filtered list can be shared."""

import functools

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groundwork.validators import PlausibleDateValidator
from groundwork.widgets import CheckboxList, Select
from partners.models import AccessFact, Audience, Organisation

from .freshness import EVENT_DATA
from .models import Event

# `?language=all` asks for every language explicitly; without a `language` parameter the visitor's own
# interface language is preselected (see EventListView).
ALL_LANGUAGES = "all"


def _organisations_with_public_events():
    # Two `pk IN (subquery)` tests: joining both relations under OR multiplies the rows to be made distinct.
    public = Event.objects.published().order_by()
    return Organisation.objects.filter(
        Q(pk__in=public.values("organiser")) | Q(pk__in=public.values("venue_organisation"))
    )


class CityFilter(django_filters.ChoiceFilter):
    """A city where public events take place; the choices are cached under the data version of the events."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self._cities)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _cities():
        return EVENT_DATA.cached("cities", CityFilter._read_cities)

    @staticmethod
    def _read_cities():
        public = Event.objects.published()
        own_addresses = public.exclude(city="").order_by().values_list("city", flat=True)
        organisations = _organisations_with_public_events().exclude(city="").order_by().values_list("city", flat=True)
        cities = set(own_addresses.union(organisations))
        return [(city, city) for city in sorted(cities, key=str.casefold)]


class LibraryFilter(django_filters.ChoiceFilter):
    """An organisation that organises or hosts public events, chosen by its slug; the choices (names in the active
    language) are cached under the data version, so neither the form nor the filter needs a query for them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", lambda: [(slug, name) for slug, _pk, name in self._libraries()])
        super().__init__(*args, **kwargs)

    @staticmethod
    def _libraries():
        """`(slug, pk, name)` of each organisation, in the order of their names."""
        return EVENT_DATA.cached("libraries", LibraryFilter._read_libraries, get_language() or "")

    @staticmethod
    def _read_libraries():
        return [
            (organisation.slug, organisation.pk, str(organisation))
            for organisation in _organisations_with_public_events()
        ]

    def organisation_id(self, slug):
        """The organisation's id, or None when it no longer has public events (the version changed meanwhile)."""
        return next((pk for value, pk, _name in self._libraries() if value == slug), None)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # ISO 8601 is what a date input sends and shows, whatever the interface language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    # Shown at once; the other filters fold away under "More filters" so that the list starts high on a phone.
    primary_fields = ("q", "language")

    def primary(self):
        return [self[name] for name in self.primary_fields]

    def more(self):
        return [field for field in self if field.name not in self.primary_fields]

    def more_in_use(self):
        """Whether a folded filter has a value or an error, so the fold starts open."""
        return any(self.data.get(field.name) or field.errors for field in self.more())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Words from the title or the description."),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language of the event"),
        choices=[(ALL_LANGUAGES, _("All languages")), *settings.DELIVERY_LANGUAGES],
        empty_label=None,
        method="filter_language",
        widget=Select,
    )
    city = CityFilter(label=_("City"), empty_label=_("All cities"), method="filter_city", widget=Select)
    library = LibraryFilter(
        label=_("Library or organisation"),
        empty_label=_("All libraries and organisations"),
        method="filter_library",
        widget=Select,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of event"), choices=Event.Kind.choices, empty_label=_("All kinds"), widget=Select
    )
    audience = django_filters.ChoiceFilter(
        label=_("For whom"),
        choices=Audience.choices,
        empty_label=_("Everyone"),
        method="filter_audience",
        widget=Select,
    )
    # Dates outside the years any event can have are refused (400) before a query adds a day to them.
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=DateInput, validators=[PlausibleDateValidator()]
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), method="filter_date_to", widget=DateInput, validators=[PlausibleDateValidator()]
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("Accessibility and practical facts"),
        choices=AccessFact.choices,
        method="filter_access",
        widget=CheckboxList,
        help_text=_("Only events with every fact you tick."),
    )

    class Meta:
        model = Event
        form = EventFilterForm
        fields = ("q", "language", "city", "library", "kind", "audience", "date_from", "date_to", "access")

    @classmethod
    @functools.cache
    def _form_class(cls):
        return super().get_form_class(cls())

    def get_form_class(self):
        # django-filter builds a form class with new fields for every filter set; these fields are the same for
        # every request (their labels are translated and their choices read when the form is shown), so the class
        # is built once per process. Each form still copies its fields, as every Django form does.
        return self._form_class()

    def filter_text(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def filter_language(self, queryset, name, value):
        return queryset if value == ALL_LANGUAGES else queryset.in_language(value)

    def filter_city(self, queryset, name, value):
        return queryset.in_city(value)

    def filter_library(self, queryset, name, value):
        organisation_id = self.filters[name].organisation_id(value)
        return queryset.none() if organisation_id is None else queryset.at_organisation(organisation_id)

    def filter_audience(self, queryset, name, value):
        return queryset.for_audience(value)

    def filter_date_from(self, queryset, name, value):
        return queryset.starting_from(value)

    def filter_date_to(self, queryset, name, value):
        return queryset.starting_until(value)

    def filter_access(self, queryset, name, value):
        return queryset.with_access_facts(value)

    def queryset_in_any_language(self):
        """The events every filter but the language lets through: what the per-language counts are taken from."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != "language":
                queryset = self.filters[name].filter(queryset, value)
        return queryset
