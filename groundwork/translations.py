"""The translated column in the active language, for queries that read values rather than model instances.

A model instance shows a translated field (`event.title`) through modeltranslation: the active language's column,
then its fallbacks, the first one filled in. Reports, charts and sorted lists read values straight from the
database; these helpers give them the same choice, from modeltranslation's own resolution order.

A field without a version in the visitor's language shows its first fallback that has one; the page must then say
so: the text is marked up with its real language (WCAG 3.1.2) and a short notice tells the visitor that her language
has no version yet (`shown_language`, `fallback_notice`, and the template tags `translated` that use them).
"""

from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order


def translation_columns(field: str, language: str | None = None) -> tuple[str, ...]:
    """The columns of the translated `field` in the order modeltranslation reads them for `language` (the active
    one by default): `("title_uk", "title_lv", "title_en")`. `field` may follow relations: `"host__name"`."""
    prefix, _sep, name = field.rpartition("__")
    columns = (build_localized_fieldname(name, code) for code in resolution_order(language or get_language()))
    return tuple(f"{prefix}__{column}" if prefix else column for column in columns)


def first_translation(values) -> str:
    """The first filled-in value of a row's `translation_columns`, as the model instance would show it."""
    return next((value for value in values if value), "")


def translated(*fields: str, language: str | None = None):
    """An SQL expression for what `str()` of the first field would show: its first non-empty column in
    `translation_columns` order, then the next field's (`translated("short_name", "name")`), else ""."""
    columns = [column for field in fields for column in translation_columns(field, language)]
    return Coalesce(*(NullIf(F(column), Value("")) for column in columns), Value(""), output_field=TextField())


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
