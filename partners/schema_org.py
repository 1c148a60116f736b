"""schema.org linked data of an organisation's page: a partner library as `Library` (https://schema.org/Library),
any other organisation as `Organization`, read by search engines."""

from .models import Organisation, Place


def postal_address(place: Place) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": place.street_address,
        "postalCode": place.postal_code,
        "addressLocality": place.city,
        "addressCountry": str(place.country),
    }


def geo_coordinates(place: Place) -> dict:
    return {"@type": "GeoCoordinates", "latitude": float(place.latitude), "longitude": float(place.longitude)}


def organisation_json_ld(organisation: Organisation, *, site_url: str) -> dict:
    """The organisation as linked data; `site_url` (no trailing slash) makes its links absolute."""
    is_library = organisation.kind == Organisation.Kind.PARTNER_LIBRARY
    data = {
        "@context": "https://schema.org",
        "@type": "Library" if is_library else "Organization",
        "@id": site_url + organisation.get_absolute_url(),
        "name": organisation.name,
        "url": site_url + organisation.get_absolute_url(),
        "address": postal_address(organisation),
    }
    optional = {
        "alternateName": organisation.short_name,
        "description": organisation.description,
        "email": organisation.email,
        "telephone": organisation.phone,
        "sameAs": organisation.website,
        "logo": site_url + organisation.logo.url if organisation.logo else "",
    }
    data.update({key: value for key, value in optional.items() if value})
    if organisation.has_point:
        # A library is a place and has coordinates of its own; an organisation is found at a place.
        if is_library:
            data["geo"] = geo_coordinates(organisation)
        else:
            data["location"] = {"@type": "Place", "geo": geo_coordinates(organisation)}
    return data
