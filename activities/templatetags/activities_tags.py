import json

import segno
from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: inside a <script> element, "<", ">" and "&" could end the element
# or open a comment, so they are written as JSON unicode escapes, which parse back to the same characters.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """Linked data as a `<script type="application/ld+json">` data block: never executed, so CSP allows it."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))


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
