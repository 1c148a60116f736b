"""Cells that are safe to open in a spreadsheet program, for every app that exports CSV or XLSX."""

import operator

# A spreadsheet program reads a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# The one test of the rule, for text already known to be a `str`: `starts_like_formula(text)`. A method caller
# runs in C, so long exports can test whole columns with `map` cheaply.
starts_like_formula = operator.methodcaller("startswith", FORMULA_TRIGGERS)


def escape_formula(text: str) -> str:
    """`text` as a spreadsheet shows it literally: a leading apostrophe defuses a would-be formula."""
    return f"'{text}" if starts_like_formula(text) else text


def spreadsheet_safe(value) -> str:
    """Any value as safe text (`escape_formula`): None becomes the empty string, anything else its `str()`.

    Numbers and dates that should stay numbers and dates are not passed through here.
    """
    return escape_formula("" if value is None else str(value))
