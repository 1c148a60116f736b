import segno
from django import template
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from groundwork.freshness import DERIVED_SECONDS
from partners.templatetags import linked_data

from ..freshness import EVENT_DATA

register = template.Library()

# One implementation for every page's linked data (partners is the floor every app stands on).
register.filter("json_ld", linked_data.json_ld)


@register.filter
def utc_offset(value):
    """'UTC+03:00' for an aware datetime, in the current time zone (the `{% timezone %}` in force)."""
    offset = timezone.localtime(value).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


@register.filter
def qr_svg(url, title=""):
    """A QR code of `url` as inline SVG markup, drawn on the server. segno writes presentation attributes
    (`stroke`), never a `style` attribute, so the strict Content-Security-Policy allows it."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-code", lineclass=None, title=title or None)
    # The title names the image for screen readers; role="img" makes them announce it as one.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))


@register.filter
def webcal(url):
    """The `webcal://` form of an http(s) address: calendar programs open it as a subscription."""
    return "webcal://" + url.split("://", 1)[-1]


@register.simple_tag(takes_context=True)
def event_cards(context, events):
    """The events' cards (`activities/_event_card.html`), each rendered once per version of the events' data,
    language and release, then reused by every page that lists the event: the cards of a page cost one round trip
    to the page cache. A card shows the places left and whether registration is open, so both go into its key."""
    pages = caches[settings.CACHE_MIDDLEWARE_ALIAS]
    version = EVENT_DATA.current().token
    language = get_language() or ""
    keys = {
        event.pk: f"event-card:{version}:{language}:{event.pk}:{int(event.accepts_registrations)}" for event in events
    }
    stored = pages.get_many(list(keys.values()))
    template = context.template.engine.get_template("activities/_event_card.html")
    cards, fresh = [], {}
    for event in events:
        card = stored.get(keys[event.pk])
        if card is None:
            with context.push(event=event):
                card = fresh[keys[event.pk]] = template.render(context)
        cards.append(card)
    if fresh:
        pages.set_many(fresh, DERIVED_SECONDS)
    # Each card was rendered by the template engine, which escaped what it had to.
    return mark_safe("".join(cards))
