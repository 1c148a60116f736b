"""Template side of `groundwork.translations`: mark a text shown in a fallback language and say so.

{% load translated %}
<h1{% text_lang event "title" %}>{{ event.title }}</h1>
{% fallback_notice event "title" %}
{% fallback_notice event "description" unless_as="title" %}   {# only when the description differs #}
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from groundwork.translations import fallback_notice as notice_text
from groundwork.translations import shown_language

register = template.Library()


@register.simple_tag
def text_lang(instance, field):
    """` lang="lv"` when the field's text is shown in another language than the page's, else nothing."""
    code = shown_language(instance, field)
    if code == get_language():
        return ""
    return format_html(' lang="{}"', code)


@register.simple_tag
def fallback_notice(instance, field, unless_as=None):
    """A short notice, in the page's language, that the field's text is shown in a fallback language; nothing
    when it is in the page's language, or when it is in the same language as the field `unless_as` (whose own
    notice, higher up, already said so)."""
    code = shown_language(instance, field)
    if code == get_language() or not getattr(instance, field, None):
        return ""
    if unless_as is not None and shown_language(instance, unless_as) == code:
        return ""
    return format_html('<p class="notice notice-language" lang="{}">{}</p>', get_language(), notice_text(code))
