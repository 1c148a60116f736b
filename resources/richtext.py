"""Rich text of guides: an allow-list sanitiser applied when a body is saved and again when it is shown."""

import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "em", "h2", "h3", "h4", "i", "li", "ol", "p", "pre",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "*": {"lang", "dir"},
}
# No javascript:, data: or vbscript: links; relative links stay allowed.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise_html(value):
    """Markup reduced to the allow-list: no scripts, styles, event handlers or unsafe links; text kept."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def rich_text_html(value):
    """Sanitised markup, safe to insert into a page."""
    return mark_safe(sanitise_html(value))
