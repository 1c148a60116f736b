"""The public event list's filters: every one kept in the query string so that a filtered list can be shared."""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Audience, Organisation

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


def _event_organisations(request):
    return _organisations_with_public_events()


class CityFilter(django_filters.ChoiceFilter):
    """A city where public events take place; the choices are read once per form, when it is rendered."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", self._cities)
        super().__init__(*args, **kwargs)

    @staticmethod
    def _cities():
        public = Event.objects.published()
        own_addresses = public.exclude(city="").order_by().values_list("city", flat=True)
        organisations = _organisations_with_public_events().exclude(city="").order_by().values_list("city", flat=True)
        cities = set(own_addresses.union(organisations))
        return [(city, city) for city in sorted(cities, key=str.casefold)]


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
    )
    city = CityFilter(label=_("City"), empty_label=_("All cities"), method="filter_city")
    library = django_filters.ModelChoiceFilter(
        label=_("Library or organisation"),
        queryset=_event_organisations,
        to_field_name="slug",
        empty_label=_("All libraries and organisations"),
        method="filter_library",
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of event"), choices=Event.Kind.choices, empty_label=_("All kinds"))
    audience = django_filters.ChoiceFilter(
        label=_("For whom"), choices=Audience.choices, empty_label=_("Everyone"), method="filter_audience"
    )
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from", widget=DateInput)
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_date_to", widget=DateInput)

    class Meta:
        model = Event
        form = EventFilterForm
        fields = ("q", "language", "city", "library", "kind", "audience", "date_from", "date_to")

    def filter_text(self, queryset, name, value):
        return queryset.search(value.strip()) if value.strip() else queryset

    def filter_language(self, queryset, name, value):
        return queryset if value == ALL_LANGUAGES else queryset.in_language(value)

    def filter_city(self, queryset, name, value):
        return queryset.in_city(value)

    def filter_library(self, queryset, name, value):
        return queryset.at_organisation(value)

    def filter_audience(self, queryset, name, value):
        return queryset.for_audience(value)

    def filter_date_from(self, queryset, name, value):
        return queryset.starting_from(value)

    def filter_date_to(self, queryset, name, value):
        return queryset.starting_until(value)

    def queryset_in_any_language(self):
        """The events every filter but the language lets through: what the per-language counts are taken from."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name != "language":
                queryset = self.filters[name].filter(queryset, value)
        return queryset
