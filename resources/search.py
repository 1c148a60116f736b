"""Search over the guide library in its four content languages, forgiving missing diacritics.

PostgreSQL: one weighted tsvector per resource built from every language (title A, summary B, body C), each with
its own text search configuration (`russian` and `english` stemmers; `simple` for Latvian and Ukrainian, which
PostgreSQL has no stemmer for). The configurations `libri_*` are copies with the `unaccent` dictionary in front,
created by migration 0003, so `gramata` matches `grāmata` and highlighted snippets still show the original text.
A good-practice record's sections are indexed with the body of its resource.

SQLite (the embedded default): a folded copy of the same text, matched word by word with LIKE. The folding rule is
the one of every public search, `groundwork.folding.fold`.
"""

import html

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from groundwork.folding import fold, fold_with_positions
from groundwork.translations import translated

CONTENT_LANGUAGES = ("lv", "en", "uk", "ru")
TEXT_SEARCH_CONFIGS = {"lv": "libri_simple", "en": "libri_english", "uk": "libri_simple", "ru": "libri_russian"}

# Markers that survive HTML escaping and never occur in ordinary text.
_START, _STOP = "\ue000", "\ue001"


def plain_text(rich_text):
    """The readable text of sanitised rich text: tags dropped, entities decoded."""
    return html.unescape(nh3.clean(rich_text or "", tags=set()))


# --- Index (written by resources.services.resource_index) ---------------------------------------------------


# The structured text of a good-practice record, searched like the body (weight C on PostgreSQL).
PRACTICE_FIELDS = ("need", "what_was_done", "partners_involved", "resources_needed", "results", "how_to_transfer")


def index_columns(resource, practice=None):
    """The folded search columns for both backends (SQLite uses them; PostgreSQL keeps them for fallbacks).

    `practice` is the resource's good-practice record, if it has one: its sections are searched with the body.
    """
    titles = [getattr(resource, f"title_{code}") or "" for code in CONTENT_LANGUAGES]
    texts = []
    for code in CONTENT_LANGUAGES:
        texts.append(getattr(resource, f"summary_{code}") or "")
        texts.append(plain_text(getattr(resource, f"body_{code}")))
        texts.extend(_practice_texts(practice, code))
    return {
        "search_title": fold(" ".join(titles)),
        "search_text": fold(" ".join(titles + texts)),
    }


def vector_expression(resource, practice=None):
    """A tsvector expression over the resource's plain text in every language (PostgreSQL only)."""
    vector = None
    for code in CONTENT_LANGUAGES:
        config = TEXT_SEARCH_CONFIGS[code]
        parts = [
            ("A", getattr(resource, f"title_{code}") or ""),
            ("B", getattr(resource, f"summary_{code}") or ""),
            ("C", plain_text(getattr(resource, f"body_{code}"))),
        ]
        parts.extend(("C", text) for text in _practice_texts(practice, code))
        for weight, text in parts:
            if not text:
                continue
            part = SearchVector(Value(text), config=config, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def _practice_texts(practice, code):
    if practice is None:
        return []
    return [getattr(practice, f"{name}_{code}") or "" for name in PRACTICE_FIELDS]


# --- Queries ----------------------------------------------------------------------------------------------------


def filter_matching(queryset, terms):
    """Resources matching every term (no ranking: cheap enough for facet counts)."""
    if not terms:
        return queryset
    if _is_postgresql(queryset):
        return queryset.filter(search_vector=_ts_query(terms))
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)


def annotate_relevance(queryset, terms, language):
    """Add `rank` (higher is better) and, on PostgreSQL, a highlighted `headline` in the visitor's language."""
    if not terms:
        return queryset.annotate(rank=Value(0, output_field=IntegerField()))
    if _is_postgresql(queryset):
        query = _ts_query(terms)
        return queryset.annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                _displayed_text(language),
                query,
                config=TEXT_SEARCH_CONFIGS.get(language, "libri_simple"),
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    # Two points for each word found in a title, one for each found only in the text.
    rank = Value(0)
    for term in terms:
        rank = rank + Case(When(search_title__contains=term, then=Value(2)), default=Value(1))
    return queryset.annotate(rank=rank)


def _is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def _ts_query(terms):
    # Terms are runs of word characters only (see query_terms), so they cannot inject tsquery operators.
    raw = " & ".join(f"{term}:*" for term in terms)
    query = None
    for config in sorted(set(TEXT_SEARCH_CONFIGS.values())):
        part = SearchQuery(raw, search_type="raw", config=config)
        query = part if query is None else query | part
    return query


def _displayed_text(language):
    """Summary and body (tags removed) as the page shows them, for the highlighted headline."""
    body = Func(
        translated("body", language=language),
        Value(r"<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Concat(translated("summary", language=language), Value(" "), body, output_field=TextField())


# --- Snippets ---------------------------------------------------------------------------------------------------


def snippet_html(resource, terms):
    """The highlighted extract shown under a search result, or None without a search."""
    if not terms:
        return None
    headline = getattr(resource, "headline", None)
    if headline is not None:
        return headline_html(headline)
    return highlight_html(resource.summary or plain_text(resource.body), terms)


def headline_html(headline):
    """Safe HTML for a PostgreSQL headline: the text escaped, the matches in <mark>."""
    text = escape(html.unescape(headline))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def highlight_html(text, terms, limit=300):
    """Safe HTML of plain text cut near the first match, each folded occurrence of a term in <mark>."""
    folded, positions = fold_with_positions(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            spans.append((positions[start], positions[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    spans = _merge(sorted(spans))
    begin = max(0, spans[0][0] - limit // 3) if spans else 0
    end = min(len(text), begin + limit)
    pieces, cursor = [], begin
    if begin:
        pieces.append("… ")
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(f"<mark>{escape(text[start:stop])}</mark>")
        cursor = stop
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return mark_safe("".join(pieces))


def _merge(spans):
    merged = []
    for start, stop in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(stop, merged[-1][1]))
        else:
            merged.append((start, stop))
    return merged
