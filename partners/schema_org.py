"""schema.org linked data of an organisation's page: a partner library as `Library` (https://schema.org/Library),
any other organisation as `Organization`, read by search engines."""

from .models import AccessFact, AccessFacts, Organisation, Place

# The facts that describe the place (schema.org `amenityFeature`, a `LocationFeatureSpecification` each). schema.org's
# `accessibilityFeature` belongs to creative works (a document, a video) and its vocabulary has no term for a step-free
# entrance or a hearing loop, so places and events do not carry it. Being free is `isAccessibleForFree`; being online,
# the event's attendance mode.
AMENITY_FACTS = (AccessFact.STEP_FREE, AccessFact.HEARING_LOOP, AccessFact.CHILDCARE, AccessFact.INTERPRETATION)


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


def access_facts_json_ld(subject: AccessFacts) -> dict:
    """`isAccessibleForFree` and `amenityFeature` for the facts that hold (in the active language); nothing for facts
    not ticked, which mean "not stated", not "no"."""
    data = {}
    if subject.has_access_fact(AccessFact.FREE):
        data["isAccessibleForFree"] = True
    features = [
        {"@type": "LocationFeatureSpecification", "name": str(code.label), "value": True}
        for code in AMENITY_FACTS
        if subject.has_access_fact(code)
    ]
    if features:
        data["amenityFeature"] = features
    return data
