"""The translated column in the active language, for queries that read values rather than model instances.

A model instance shows a translated field (`event.title`) through modeltranslation: the active language's column,
then its fallbacks, the first one filled in. Reports, charts and sorted lists read values straight from the
database; these helpers give them the same choice, from modeltranslation's own resolution order.
"""

from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
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
