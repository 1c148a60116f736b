"""Names of the languages of delivery (`settings.DELIVERY_LANGUAGES`) in the active language: alone, as a label,
or as a list inside text.

The settings name each language as a label, for where a name stands alone (a tag on an event's card, a chip with a
count, an option of a select) and every interface language starts it with a capital: "Українська". Inside text
("Мови: латиська, українська") Ukrainian and Russian write a language's name as the common word it is, in
lowercase; English always capitalises it. A sentence that names a language says it in a phrase of its own
(`activities.language_phrases`), in the case the sentence needs.
"""

from django.conf import settings
from django.utils.translation import get_language

# Interface languages that write a language's name in lowercase inside text.
LOWERCASE_IN_TEXT = frozenset({"uk", "ru"})


def language_names(codes, *, in_text: bool = False) -> list[str]:
    """The names of the languages `codes` in the active language, as labels or, `in_text`, as a list inside text
    writes them; a code the settings do not list stands for itself. Plain strings: the `join` filter of the
    e-mails (autoescaping off) refuses lazy ones."""
    labels = dict(settings.DELIVERY_LANGUAGES)
    names = [str(labels[code]) if code in labels else code for code in codes]
    if in_text and (get_language() or "").split("-")[0] in LOWERCASE_IN_TEXT:
        return [name.lower() for name in names]
    return names
