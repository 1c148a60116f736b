from django import template

from resources.richtext import rich_text_html

register = template.Library()


@register.filter
def rich_text(value):
    """Render stored rich text through the allow-list sanitiser, whatever reached the database."""
    return rich_text_html(value)
