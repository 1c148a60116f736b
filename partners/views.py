"""Public partner directory: organisations by kind and country, one page per organisation, the agreements register."""

from itertools import groupby

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from django_countries import countries

from .models import Agreement, Organisation
from .schema_org import organisation_json_ld


def map_points(places, *, link=True):
    """Points for the `portal/_small_map.html` partial: places that have coordinates, with label and link.

    `places` are objects with `latitude`/`longitude` (any `partners.models.Place`); the label is `str(place)` and,
    with `link`, the link is `place.get_absolute_url()`.
    """
    return [
        {
            "lat": float(place.latitude),
            "lng": float(place.longitude),
            "label": str(place),
            "url": place.get_absolute_url() if link else "",
        }
        for place in places
        if place.has_point
    ]


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices, label=_("Kind"), empty_label=_("All kinds"))
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("All countries"))

    class Meta:
        model = Organisation
        fields = ("kind", "country")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only countries that have an organisation, by their name in the visitor's language.
        codes = self.queryset.order_by().values_list("country", flat=True).distinct()
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in codes), key=lambda choice: choice[1]
        )


# Section headings of the directory, one per kind (the choices' labels are singular).
KIND_HEADINGS = {
    Organisation.Kind.PARTNER_LIBRARY: _("Partner libraries"),
    Organisation.Kind.MUNICIPAL_SERVICE: _("Municipal services"),
    Organisation.Kind.NGO: _("Non-governmental organisations"),
    Organisation.Kind.CONSORTIUM_PARTNER: _("Consortium partners"),
    Organisation.Kind.OTHER: _("Other organisations"),
}


def group_by_kind_and_country(organisations):
    """[(kind heading, [(country name, [organisation, …]), …]), …] in the order of the kinds, then country names."""
    kind_order = {kind: position for position, kind in enumerate(Organisation.Kind.values)}
    ordered = sorted(organisations, key=lambda o: (kind_order[o.kind], o.country.name, o.name))
    return [
        (
            KIND_HEADINGS.get(kind, Organisation.Kind(kind).label),
            [(country, list(members)) for country, members in groupby(group, key=lambda o: o.country.name)],
        )
        for kind, group in ((kind, list(group)) for kind, group in groupby(ordered, key=lambda o: o.kind))
    ]


class OrganisationListView(ListView):
    """The directory; `?kind=` and `?country=` narrow it, and an invalid value answers 400 with the form error."""

    template_name = "partners/organisation_list.html"
    context_object_name = "organisations"

    def get(self, request, *args, **kwargs):
        self.filterset = OrganisationFilter(request.GET or None, queryset=Organisation.objects.all())
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        if self.filterset.is_bound and not self.filterset.is_valid():
            return Organisation.objects.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisations = list(context["organisations"])
        context.update(
            filter=self.filterset,
            groups=group_by_kind_and_country(organisations),
            map_points=map_points(organisations),
        )
        return context


class OrganisationDetailView(DetailView):
    model = Organisation
    template_name = "partners/organisation_detail.html"
    context_object_name = "organisation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation = self.object
        # partners is the ground floor and imports no app standing on it: reach events through the relation.
        events = organisation.organised_events.model.objects
        context.update(
            upcoming_events=events.published()
            .upcoming()
            .for_organisation(organisation)
            .for_listing()
            .with_registration_counts(),
            initiatives=organisation.initiatives.published(),
            agreements=Agreement.objects.filter(parties=organisation).with_parties(),
            map_points=map_points([organisation], link=False),
            json_ld=organisation_json_ld(organisation, site_url=settings.SITE_URL),
        )
        return context


class AgreementListView(ListView):
    template_name = "partners/agreement_list.html"
    context_object_name = "agreements"
    queryset = Agreement.objects.with_parties()


class AgreementDetailView(DetailView):
    template_name = "partners/agreement_detail.html"
    context_object_name = "agreement"
    queryset = Agreement.objects.with_parties()
