"""Labels of fixed choices (languages, audiences, topics, target groups, needs, accessibility facts) alone or
listed inside text.

A label standing alone starts what it is written in and every interface language gives it a capital: a tag on a
card, a chip with a count ("Українська: 3 заходи"), an option of a select, a box of a checkbox list, a row of a
table of counts, the one value of a single choice ("Вид: Семінар"). A field that holds several choices is shown as
a list, joined by commas into the text that names it: after its label in a line of text or a definition list
("Для кого: громадяни третіх країн, широка громадськість"), in a spreadsheet's cell under its header. There each
name is the common word or phrase it is and is written in lowercase, the first one too, as every language of the
portal writes a common noun after a colon; a list of one name is still a list, so a field reads the same however
many names it holds. The exception is the names a language writes as proper nouns: English capitalises the names
of languages (`groundwork.languages`). Names set apart by a middle dot, each a part of its own (the poster's facts),
stand alone.
"""

from django.utils.translation import get_language

# Interface languages that write a common noun in lowercase inside text: all of the portal's. A language that
# capitalises every noun (German) would be left out.
COMMON_NOUNS_IN_LOWERCASE = frozenset({"lv", "en", "uk", "ru"})


def decapitalised(label: str) -> str:
    """`label` with its first letter in lowercase, unless its first word is an abbreviation ("IT", "ES")."""
    if label[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def listed_in_text(labels, *, lowercase_in=COMMON_NOUNS_IN_LOWERCASE) -> list[str]:
    """`labels` (in the active language) as a list inside text writes them: each begun in lowercase when the
    active language is one of `lowercase_in`, else as they are. Plain strings: the `join` filter of the e-mails
    (autoescaping off) refuses lazy ones."""
    names = [str(label) for label in labels]
    if (get_language() or "").split("-")[0] in lowercase_in:
        return [decapitalised(name) for name in names]
    return names
