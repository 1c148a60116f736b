"""schema.org `Place` linked data of an initiative's page (https://schema.org/Place), read by search engines."""

from partners.schema_org import access_facts_json_ld, geo_coordinates, postal_address

from .models import Initiative


def initiative_json_ld(initiative: Initiative, *, site_url: str) -> dict:
    """The initiative as a `Place`; `site_url` (no trailing slash) makes its links absolute."""
    data = {
        "@context": "https://schema.org",
        "@type": "Place",
        "@id": site_url + initiative.get_absolute_url(),
        "name": initiative.title,
        "url": site_url + initiative.get_absolute_url(),
        "address": postal_address(initiative),
    }
    if initiative.description:
        data["description"] = initiative.description
    if initiative.website:
        data["sameAs"] = initiative.website
    if initiative.has_point:
        data["geo"] = geo_coordinates(initiative)
    data.update(access_facts_json_ld(initiative))
    if initiative.host:
        data["containedInPlace"] = {
            "@type": "Place",
            "name": initiative.host.name,
            "url": site_url + initiative.host.get_absolute_url(),
        }
    return data
