import segno
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from groundwork.caching import cached_fragments
from groundwork.freshness import DERIVED_SECONDS, digest
from partners.templatetags import linked_data

from ..freshness import EVENT_DATA
from ..models import Event

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
def event_cards(context, cards):
    """The cards (`activities/_event_card.html`) of the events named by `cards` (`EventQuerySet.card_keys()` rows),
    each rendered once per version of the events' data, language and release, then reused by every page that lists
    the event: the cards of a page cost one round trip to the fragments cache, and the events, their organisations
    and places taken are read only for the cards rendered. Whether registration is still open changes without a
    change of the data when the event begins, so that goes into its key (the places left are in the version: it
    changes with every registration)."""
    version = EVENT_DATA.current().token
    language = get_language() or ""
    now = timezone.now()
    cards = list(cards)
    keys = [f"event-card:{version}:{language}:{card.pk}:{int(card.starts_at > now)}" for card in cards]
    template = context.template.engine.get_template("activities/_event_card.html")

    def render(indexes):
        events = Event.objects.published().for_listing().in_bulk([cards[index].pk for index in indexes])
        Event.objects.count_places_taken(list(events.values()))
        rendered = []
        for index in indexes:
            # An event unpublished since the page was read has no card.
            event = events.get(cards[index].pk)
            if event is None:
                rendered.append("")
                continue
            with context.push(event=event):
                rendered.append(template.render(context))
        return rendered

    # Each card was rendered by the template engine, which escaped what it had to.
    return mark_safe("".join(cached_fragments(keys, render, seconds=DERIVED_SECONDS)))


@register.simple_tag
def filter_field_groups(fields):
    """`[(field, html)]`: each bound field of the event list's filter form as its field group (label, widget, help).
    A field with choices is rendered once per version of the events' data (the choices), language, release and the
    value sent for it, then reused: a visitor who changes one filter has only that field rendered again. A field
    without choices (the search words, the dates) takes any value, so it is kept only empty: stored, every new
    value would be one more entry pushing the events' cards out of the fragments cache. A form with errors is
    rendered as it is, each time."""
    fields = list(fields)
    if not fields:
        return []
    form = fields[0].form
    if form.errors:
        return [(field, field.as_field_group()) for field in fields]
    version = EVENT_DATA.current().token
    language = get_language() or ""
    sent = [[value for value in form.data.getlist(field.html_name) if value] for field in fields]
    kept = [index for index, field in enumerate(fields) if hasattr(field.field, "choices") or not sent[index]]
    keys = ["event-filter:" + digest(version, language, fields[index].html_name, *sent[index]) for index in kept]
    stored = cached_fragments(
        keys,
        lambda positions: [fields[kept[position]].as_field_group() for position in positions],
        seconds=DERIVED_SECONDS,
    )
    groups = dict(zip(kept, map(mark_safe, stored), strict=True))
    return [(field, groups[index] if index in groups else field.as_field_group()) for index, field in enumerate(fields)]
