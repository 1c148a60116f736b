"""One rule for every public search: text is folded (lower-cased, diacritics of Latin letters removed) on both
sides, so `latviesu` finds `latviešu`, `kafejnica` finds `kafejnīca` and `biblioteka` finds `bibliotēka`.

`fold` is the rule in Python. In the database the same rule is `Fold(expression)`: on PostgreSQL
`unaccent(lower(…))` (the `unaccent` extension, created by the migrations of the apps that search), on SQLite a
function `libri_fold` registered on every connection that runs `fold` itself. `text_matches` builds the filter a
search box asks for: every word of the query in at least one of the fields, in any case and with or without
diacritics. The guide library stores folded columns instead (and PostgreSQL full-text search): the same `fold`.
"""

import re
import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains

MAX_TERMS = 8
MAX_TERM_LENGTH = 40

# Letters that carry no combining mark to strip but that `unaccent` still maps; casefold() already turns ß into ss.
_FOLD_EXTRA = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ё": "е"})


def fold(text):
    """Lower-case, and strip diacritics from Latin letters the way PostgreSQL's `unaccent` does.

    Cyrillic letters keep their marks (й is not и, ї is not і) except ё, as in `unaccent`. Each input character
    maps to the same number of output characters, except the few ligatures, which `fold_with_positions` handles.
    """
    return "".join(fold_character(char) for char in text)


def fold_character(char):
    folded = char.casefold().translate(_FOLD_EXTRA)
    if len(folded) == 1 and not folded.isascii():
        decomposed = unicodedata.normalize("NFD", folded)
        if decomposed[0].isascii():
            return decomposed[0]
    return folded


def fold_with_positions(text):
    """`fold(text)` and, for each folded character, the index of the original character it came from."""
    folded, positions = [], []
    for index, char in enumerate(text):
        piece = fold_character(char)
        folded.append(piece)
        positions.extend([index] * len(piece))
    return "".join(folded), positions


def query_terms(query):
    """Words of a search query, folded; at most MAX_TERMS, each cut to MAX_TERM_LENGTH characters."""
    return [term[:MAX_TERM_LENGTH] for term in re.findall(r"\w+", fold(query or ""))[:MAX_TERMS]]


class Fold(Func):
    """The folded text of an expression, computed by the database with the rule of `fold`."""

    function = "libri_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="unaccent(lower(%(expressions)s))", **extra_context)


def text_matches(fields, query):
    """A filter for a search box: each word of `query` found, folded, in at least one of `fields` (column names
    or expressions). An empty query matches everything."""
    condition = Q()
    for term in query_terms(query):
        condition &= Q(
            *(Contains(Fold(F(field) if isinstance(field, str) else field), term) for field in fields), _connector=Q.OR
        )
    return condition


def _register_on_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("libri_fold", 1, _fold_or_null, deterministic=True)


def _fold_or_null(value):
    return None if value is None else fold(str(value))


connection_created.connect(_register_on_sqlite, dispatch_uid="groundwork.folding.sqlite")
