import segno
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from partners.templatetags import linked_data

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
