"""The sitemap (`/sitemap.xml`, an index of one sitemap per kind of page) for search engines.

Every public page in each interface language, with `xhtml:link` alternates for the other languages (and
`x-default`, the address without a language that sends a visitor to hers) and the date of its latest change.
Addresses are absolute under `SITE_URL`. Left out: pages that repeat an event's page in another form (its
registration form, its poster, its slide and survey, its calendar file), the map made for other sites' frames, the
thanks page after a suggestion, and staff pages.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import sitemaps
from django.db.models import Max
from django.urls import reverse

from activities.models import Event
from mapping.models import Initiative
from partners.models import Agreement, Organisation
from resources.models import Resource, Strategy

# A page of a sitemap holds at most this many addresses (the protocol allows 50,000): each object counts once per
# language, so a kind of page with more objects than this continues on `?p=2`.
ADDRESSES_PER_PAGE = 10_000


class PortalSitemap(sitemaps.Sitemap):
    i18n = True
    alternates = True
    x_default = True
    limit = ADDRESSES_PER_PAGE

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


def _latest(queryset, field="updated_at"):
    return queryset.order_by().aggregate(latest=Max(field))["latest"]


class PagesSitemap(PortalSitemap):
    """The site's own pages, each dated by the latest change to what it shows (none for pages of fixed text)."""

    def items(self):
        events = _latest(Event.objects.published())
        initiatives = _latest(Initiative.objects.published())
        resources = _latest(Resource.objects.published())
        organisations = _latest(Organisation.objects.all())
        agreements = _latest(Agreement.objects.all())
        strategies = _latest(Strategy.objects.adopted())
        changes = {
            "home": max(filter(None, (events, initiatives, resources)), default=None),
            "about": organisations,
            "privacy": None,
            "accessibility": None,
            "open_data": None,
            "activities:event_list": events,
            "activities:event_archive": events,
            "mapping:map": initiatives,
            "mapping:initiative_list": initiatives,
            "mapping:suggest": None,
            "resources:resource_list": resources,
            "resources:strategy_list": strategies,
            "partners:organisation_list": organisations,
            "partners:agreement_list": agreements,
        }
        self.changes = changes
        return list(changes)

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return self.changes[item]


class ObjectSitemap(PortalSitemap):
    def lastmod(self, item):
        return item.updated_at


class EventSitemap(ObjectSitemap):
    def items(self):
        return Event.objects.published().only("slug", "updated_at").order_by("pk")


class InitiativeSitemap(ObjectSitemap):
    def items(self):
        return Initiative.objects.published().only("slug", "updated_at").order_by("pk")


class ResourceSitemap(ObjectSitemap):
    def items(self):
        return Resource.objects.published().only("slug", "updated_at").order_by("pk")


class StrategySitemap(ObjectSitemap):
    def items(self):
        return Strategy.objects.adopted().only("slug", "updated_at").order_by("pk")


class OrganisationSitemap(ObjectSitemap):
    def items(self):
        return Organisation.objects.only("slug", "updated_at").order_by("pk")


class AgreementSitemap(ObjectSitemap):
    def items(self):
        return Agreement.objects.only("slug", "updated_at").order_by("pk")


SITEMAPS = {
    "pages": PagesSitemap,
    "events": EventSitemap,
    "initiatives": InitiativeSitemap,
    "resources": ResourceSitemap,
    "strategies": StrategySitemap,
    "organisations": OrganisationSitemap,
    "agreements": AgreementSitemap,
}
