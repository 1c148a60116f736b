"""`{{ data|json_ld }}`: schema.org linked data as a `<script type="application/ld+json">` data block."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: inside a <script> element, "<", ">" and "&" could end the element
# or open a comment, so they are written as JSON unicode escapes, which parse back to the same characters.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(value):
    """Linked data as a data block: never executed, so the Content-Security-Policy allows it without a nonce."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))
