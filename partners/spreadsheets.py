"""Cells that are safe to open in a spreadsheet program, for every app that exports CSV or XLSX."""

# A spreadsheet program reads a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text as a spreadsheet shows it literally: a leading apostrophe defuses a would-be formula.

    None becomes the empty string; anything else its `str()`. Numbers and dates that should stay numbers and
    dates are not passed through here.
    """
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
