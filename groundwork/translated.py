"""Which language a translated text is shown in (django-modeltranslation).

A field without a version in the visitor's language shows its first fallback that has one (Latvian, then
English, or the model's own order). The page must then say so: the text is marked up with its real language
(WCAG 3.1.2) and a short notice tells the visitor that her language has no version yet.
"""

from django.utils.translation import get_language, pgettext_lazy
from modeltranslation.utils import build_localized_fieldname, resolution_order

# One whole sentence per language shown: each catalogue names its own language as the missing one, in the case
# its grammar wants ("Показано латиською: української версії ще немає").
NOTICES = {
    "lv": pgettext_lazy(
        "a text shown in another language than the page's",
        "Shown in Latvian: there is no version in this language yet.",
    ),
    "en": pgettext_lazy(
        "a text shown in another language than the page's",
        "Shown in English: there is no version in this language yet.",
    ),
    "uk": pgettext_lazy(
        "a text shown in another language than the page's",
        "Shown in Ukrainian: there is no version in this language yet.",
    ),
    "ru": pgettext_lazy(
        "a text shown in another language than the page's",
        "Shown in Russian: there is no version in this language yet.",
    ),
}
OTHER_LANGUAGE_NOTICE = pgettext_lazy(
    "a text shown in another language than the page's",
    "Shown in another language: there is no version in this language yet.",
)


def shown_language(instance, field):
    """The language whose text `instance.<field>` shows in the active language; the active language when no
    language has one (the field is empty) or when the field is not translated."""
    active = get_language()
    descriptor = type(instance).__dict__.get(field)
    if active is None or not hasattr(descriptor, "fallback_languages"):
        return active
    for code in resolution_order(active, descriptor.fallback_languages):
        if getattr(instance, build_localized_fieldname(field, code), None):
            return code
    return active


def fallback_notice(code):
    """The notice for a text shown in language `code` instead of the active one."""
    return NOTICES.get(code, OTHER_LANGUAGE_NOTICE)
