"""schema.org `Event` linked data for an event page (https://schema.org/Event), read by search engines."""

from django.utils import timezone

from partners.models import AccessFact
from partners.schema_org import access_facts_json_ld

from .models import Event

# Events take place in Latvia: their dates are given in Riga time, with its offset, whatever the server's zone.


def _address(place):
    return {
        "@type": "PostalAddress",
        "streetAddress": place.street_address,
        "postalCode": place.postal_code,
        "addressLocality": place.city,
        "addressCountry": str(place.country),
    }


def _location(event):
    if event.is_online:
        return {"@type": "VirtualLocation", "url": event.online_url}
    place = event.place
    location = {"@type": "Place", "name": event.place_name or place.address_line, "address": _address(place)}
    features = access_facts_json_ld(event).get("amenityFeature")
    if features:
        location["amenityFeature"] = features
    if place.has_point:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    return location


def _attendance_mode(event):
    if event.is_online:
        return "https://schema.org/OnlineEventAttendanceMode"
    if event.has_access_fact(AccessFact.ONLINE):
        return "https://schema.org/MixedEventAttendanceMode"
    return "https://schema.org/OfflineEventAttendanceMode"


def _organisation(organisation, site_url):
    data = {"@type": "Organization", "name": organisation.name, "url": site_url + organisation.get_absolute_url()}
    if organisation.email:
        data["email"] = organisation.email
    if organisation.phone:
        data["telephone"] = organisation.phone
    return data


def event_json_ld(event: Event, *, site_url: str) -> dict:
    """The event as a schema.org `Event`; `site_url` (no trailing slash) makes its links absolute."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary or event.title,
        "url": site_url + event.get_absolute_url(),
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if event.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": _attendance_mode(event),
        "location": _location(event),
        "inLanguage": list(event.languages),
        "organizer": [
            _organisation(organisation, site_url) for organisation in (event.organiser, *event.co_organisers.all())
        ],
    }
    if event.has_access_fact(AccessFact.FREE):
        data["isAccessibleForFree"] = True
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
    if event.image:
        data["image"] = site_url + event.image.url
    return data
