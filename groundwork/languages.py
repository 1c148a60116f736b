"""Names of the languages of delivery (`settings.DELIVERY_LANGUAGES`) in the active language: alone, as a label,
or as a list inside text.

The settings name each language as a label, for where a name stands alone (a tag on an event's card, a chip with a
count, an option of a select) and every interface language starts it with a capital: "Українська", "Latviešu".
Inside text ("Мови: латиська, українська", "Valodas: latviešu, ukraiņu") Latvian, Ukrainian and Russian write a
language's name as the common word it is, in lowercase, like any other list of labels (`groundwork.labels`);
English always capitalises it. A sentence that names a language says it in a phrase of its own
(`activities.language_phrases`), in the case the sentence needs.
"""

from django.conf import settings

from .labels import listed_in_text

# Interface languages that write a language's name in lowercase inside text; English writes it as a proper noun.
LOWERCASE_IN_TEXT = frozenset({"lv", "uk", "ru"})


def language_names(codes, *, in_text: bool = False) -> list[str]:
    """The names of the languages `codes` in the active language, as labels or, `in_text`, as a list inside text
    writes them; a code the settings do not list stands for itself. Plain strings: the `join` filter of the
    e-mails (autoescaping off) refuses lazy ones."""
    labels = dict(settings.DELIVERY_LANGUAGES)
    names = [str(labels[code]) if code in labels else code for code in codes]
    if in_text:
        return listed_in_text(names, lowercase_in=LOWERCASE_IN_TEXT)
    return names
