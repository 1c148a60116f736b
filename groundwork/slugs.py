"""Slugs for addresses: readable Latin letters from any of the portal's languages, unique among a model's rows."""

from collections.abc import Callable, Iterable

from slugify import slugify


def unique_slug(
    text: str, *, max_length: int, in_use: Callable[[str], Iterable[str]], reserved: Iterable[str] = (), fallback: str
) -> str:
    """A slug of `text` (Latvian, Ukrainian or Russian letters written in Latin ones, by python-slugify), at most
    `max_length` long: the slug itself if it is free, else with `-2`, `-3`… appended.

    `in_use(stem)` returns the slugs already taken that start with `stem` (one query for a model; a set lookup for a
    bulk import that knows them all); `reserved` slugs are never given (addresses of pages of their own).
    """
    stem = slugify(text, max_length=max_length, word_boundary=False) or fallback
    taken = set(in_use(stem[: max_length - 4])) | set(reserved)
    candidate, number = stem, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = stem[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
