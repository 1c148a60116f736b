"""schema.org `Event` linked data for an event page (https://schema.org/Event), read by search engines."""

from django.utils import timezone

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
    if place.has_point:
        location["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    return location


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
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
        if event.is_online
        else "https://schema.org/OfflineEventAttendanceMode",
        "location": _location(event),
        "inLanguage": list(event.languages),
        "organizer": [
            _organisation(organisation, site_url) for organisation in (event.organiser, *event.co_organisers.all())
        ],
    }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
    if event.image:
        data["image"] = site_url + event.image.url
    return data
