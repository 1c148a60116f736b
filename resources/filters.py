"""The guide library's filters: every choice lives in the URL, so a filtered list can be bookmarked and shared."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from groundwork.folding import query_terms
from groundwork.translations import translated
from partners.models import Audience, Organisation

from . import search
from .models import Resource, available_in_condition

FACETS = ("kind", "topic", "audience", "language")
# Facets of good-practice records: shown only when some result has one (or the facet is in use).
PRACTICE_FACETS = ("country", "library")


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class Facet:
    name: str
    legend: str
    options: list


class ResourceFilter(django_filters.FilterSet):
    SORT_RELEVANCE = "relevance"
    SORT_NEWEST = "newest"
    SORT_OLDEST = "oldest"
    SORT_TITLE = "title"

    q = django_filters.CharFilter(
        label=_("Search words"),
        method="filter_search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=Resource.Kind.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    topic = django_filters.MultipleChoiceFilter(
        label=_("Topic"), choices=Resource.Topic.choices, method="filter_topic", widget=forms.CheckboxSelectMultiple
    )
    audience = django_filters.MultipleChoiceFilter(
        label=_("Audience"), choices=Audience.choices, method="filter_audience", widget=forms.CheckboxSelectMultiple
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Available in"),
        choices=lambda: settings.DELIVERY_LANGUAGES,
        method="filter_language",
        widget=forms.CheckboxSelectMultiple,
    )
    country = django_filters.MultipleChoiceFilter(
        label=_("Country (good practices)"),
        choices=lambda: list(countries),
        method="filter_country",
        widget=forms.CheckboxSelectMultiple,
    )
    # Any organisation's slug is accepted: a bookmarked library whose practices were removed finds nothing (200),
    # rather than an error.
    library = django_filters.ModelMultipleChoiceFilter(
        label=_("Library (good practices)"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        method="filter_library",
        widget=forms.CheckboxSelectMultiple,
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=(
            (SORT_RELEVANCE, _("Relevance")),
            (SORT_NEWEST, _("Newest first")),
            (SORT_OLDEST, _("Oldest first")),
            (SORT_TITLE, _("Title")),
        ),
        method="filter_nothing",
        empty_label=None,
    )

    class Meta:
        model = Resource
        fields = ()

    # --- Filters (each facet: any of the ticked values) ---

    def filter_search(self, queryset, name, value):
        return queryset.matching(value)

    def filter_topic(self, queryset, name, values):
        return self._any_of(queryset, values, lambda code: Q(topics__icontains=f'"{code}"'))

    def filter_audience(self, queryset, name, values):
        return self._any_of(queryset, values, lambda code: Q(audience__icontains=f'"{code}"'))

    def filter_language(self, queryset, name, values):
        return self._any_of(queryset, values, available_in_condition)

    def filter_country(self, queryset, name, values):
        return queryset.filter(good_practice__country__in=values) if values else queryset

    def filter_library(self, queryset, name, organisations):
        # The chosen organisations were loaded when the form was validated: filter by their keys, not a subquery.
        return queryset.filter(good_practice__library__in=[o.pk for o in organisations]) if organisations else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # ordering is applied last, in filter_queryset

    @staticmethod
    def _any_of(queryset, values, condition_for):
        if not values:
            return queryset
        condition = Q()
        for value in values:
            condition |= condition_for(value)
        return queryset.filter(condition)

    # --- Results ---

    @property
    def search_terms(self):
        return query_terms(self.form.cleaned_data.get("q")) if self.is_valid() else []

    @property
    def sort_order(self):
        chosen = self.form.cleaned_data.get("sort") if self.is_valid() else None
        if chosen == self.SORT_RELEVANCE and not self.search_terms:
            chosen = None
        return chosen or (self.SORT_RELEVANCE if self.search_terms else self.SORT_NEWEST)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        terms = self.search_terms
        if terms:
            queryset = search.annotate_relevance(queryset, terms, get_language())
        ordering = {
            self.SORT_RELEVANCE: ("-rank", "-published_on", "pk"),
            self.SORT_NEWEST: ("-published_on", "pk"),
            self.SORT_OLDEST: ("published_on", "pk"),
            self.SORT_TITLE: (translated("title").asc(), "pk"),
        }[self.sort_order]
        return queryset.order_by(*ordering)

    # --- Facet counts: one aggregate query per facet, whatever the number of resources ---

    def facets(self):
        """Each facet's options with how many resources each would show, given the other facets' choices."""
        if not self.is_valid():
            return []
        result = []
        for name in FACETS:
            base = self._filtered_except(name)
            conditions = self._facet_conditions(name)
            counts = base.aggregate(**{f"n_{value}": Count("pk", filter=cond) for value, cond in conditions.items()})
            checked = set(self.form.cleaned_data.get(name) or [])
            options = [
                FacetOption(value, label, counts[f"n_{value}"], value in checked)
                for value, label in self.form.fields[name].choices
                if counts[f"n_{value}"] or value in checked
            ]
            result.append(Facet(name, self.filters[name].label, options))
        for name, options_for in (("country", self._country_options), ("library", self._library_options)):
            options = options_for(self._filtered_except(name))
            if options:
                result.append(Facet(name, self.filters[name].label, options))
        return result

    def _country_options(self, base):
        """Countries of the good practices among the results (one grouped query), and any chosen country."""
        counts = dict(
            base.filter(good_practice__isnull=False)
            .order_by()
            .values_list("good_practice__country")
            .annotate(n=Count("pk"))
        )
        checked = set(self.form.cleaned_data.get("country") or [])
        options = [
            FacetOption(code, countries.name(code), counts.get(code, 0), code in checked)
            for code in set(counts) | checked
        ]
        return sorted(options, key=lambda option: option.label.casefold())

    def _library_options(self, base):
        """Libraries of the good practices among the results (one query, names included), and any chosen one."""
        libraries = {
            library.pk: library
            for library in Organisation.objects.filter(good_practices__resource__in=base.values("pk"))
            .annotate(n=Count("good_practices"))
            .order_by()
        }
        chosen = {library.pk: library for library in self.form.cleaned_data.get("library") or []}
        options = [
            FacetOption(
                library.slug,
                str(library.name),
                libraries[pk].n if pk in libraries else 0,
                pk in chosen,
            )
            for pk, library in (chosen | libraries).items()
        ]
        return sorted(options, key=lambda option: option.label.casefold())

    def _filtered_except(self, excluded):
        queryset = self.queryset.order_by()
        for name, value in self.form.cleaned_data.items():
            if name in (excluded, "sort") or value in (None, "", []):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def _facet_conditions(self, name):
        if name == "kind":
            return {code: Q(kind=code) for code in Resource.Kind.values}
        if name == "topic":
            return {code: Q(topics__icontains=f'"{code}"') for code in Resource.Topic.values}
        if name == "audience":
            return {code: Q(audience__icontains=f'"{code}"') for code in Audience.values}
        return {code: available_in_condition(code) for code, _label in settings.DELIVERY_LANGUAGES}
