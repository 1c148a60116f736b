"""The one set of filters behind the map, its equivalent list and the GeoJSON: same parameters, same results."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from groundwork.fields import delivery_languages
from groundwork.widgets import CheckboxList, Select
from partners.models import AccessFact, Organisation

from .freshness import MAP_DATA
from .models import Initiative

# Parameters that filter; anything else in the query string (page, bbox, zoom) belongs to the view.
FILTER_PARAMETERS = ("q", "category", "language", "target_group", "country", "city", "host", "access")


# The choices read every published initiative's city and country (from indexes, still milliseconds at 100,000):
# kept under the map data version, which any change to an initiative renews.


def _read_countries():
    codes = Initiative.objects.published().order_by().values_list("country", flat=True).distinct()
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda choice: choice[1])


def _published_countries():
    return MAP_DATA.cached("countries", _read_countries, get_language() or "")


def _read_cities():
    cities = Initiative.objects.published().exclude(city="").order_by("city").values_list("city", flat=True)
    return [(city, city) for city in cities.distinct()]


def _published_cities():
    return MAP_DATA.cached("cities", _read_cities)


def _published_hosts(request):
    # EXISTS probes the host index once per organisation; a join with DISTINCT would read every initiative.
    published = Initiative.objects.published().filter(host=OuterRef("pk"))
    return Organisation.objects.filter(Exists(published))


class InitiativeFilter(django_filters.FilterSet):
    """Filters published initiatives; every choice list names only values that published initiatives use."""

    q = django_filters.CharFilter(method="filter_text", label=_("Search in title and description"), max_length=100)
    # The selects are rendered in Python (`groundwork.widgets.Select`): a city list of hundreds of options costs
    # little that way, where Django's one template per option made it most of the page's time.
    category = django_filters.ChoiceFilter(
        choices=Initiative.Category.choices, label=_("Category"), empty_label=_("All categories"), widget=Select
    )
    language = django_filters.ChoiceFilter(
        choices=delivery_languages,
        method="filter_language",
        label=_("Language"),
        empty_label=_("All languages"),
        widget=Select,
    )
    target_group = django_filters.ChoiceFilter(
        choices=Initiative.TargetGroup.choices,
        method="filter_target_group",
        label=_("Target group"),
        empty_label=_("All target groups"),
        widget=Select,
    )
    country = django_filters.ChoiceFilter(
        choices=_published_countries, label=_("Country"), empty_label=_("All countries"), widget=Select
    )
    city = django_filters.ChoiceFilter(
        choices=_published_cities, label=_("City"), empty_label=_("All cities"), widget=Select
    )
    host = django_filters.ModelChoiceFilter(
        queryset=_published_hosts,
        to_field_name="slug",
        label=_("Host organisation"),
        empty_label=_("All organisations"),
        widget=Select,
    )
    access = django_filters.MultipleChoiceFilter(
        choices=AccessFact.choices,
        method="filter_access",
        label=_("Accessibility and practical facts"),
        widget=CheckboxList,
        help_text=_("Only initiatives with every fact you tick."),
    )

    class Meta:
        model = Initiative
        fields = FILTER_PARAMETERS

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_language(self, queryset, name, value):
        return queryset.in_language(value)

    def filter_target_group(self, queryset, name, value):
        return queryset.for_target_group(value)

    def filter_access(self, queryset, name, value):
        return queryset.with_access_facts(value)
