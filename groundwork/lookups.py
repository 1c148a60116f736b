"""Lookups steady under values a visitor wrote into a query: numbers no column holds, numbers written in other
digits, regular expressions the database cannot read.

Every form choosing objects by id (`ModelMultipleChoiceField`, in the staff pages and the admin alike) and every
admin list filtering by a field (`?event=<id>`, `?host__id__exact=<id>`, `?title__regex=…`) filters with whatever
a visitor sent. Here:

- A number beyond the column's range matches no row (or every row, for `gt` beyond its bottom, and so on). Django
  does so for `exact`, `gt`, `gte`, `lt` and `lte` on an integer column, but not for `in`, and not for any lookup
  through a relation (`event=…`, `event_id=…`, `event__in=…`, `event__gt=…` on a foreign key compare with the
  related row's id): SQLite's driver raises OverflowError on `pk__in=[99999999999999999999]` or
  `event=99999999999999999999`. So the form says the choice is not one of those offered and the list is empty, as
  for any unknown id, as on PostgreSQL.
- A number given as text to a lookup on an integer column, a relation to one, or a year, is read only as the
  portal writes numbers (`str(number)`: ASCII digits, a minus sign, nothing else). `int()` also reads `١` (an
  Arabic-Indic one), `１` (a full-width one), ` 1`, `01`, `+1` and `1_0`, so `?host__id__exact=١` would list the
  rows of host 1 under an address no link of the portal has. Such text is a ValueError, as text that is no number
  at all: a form says the choice is not one of those offered, an admin list shows itself whole with `?e=1`. The
  rule of `groundwork.keys` for the ids in addresses, applied to every lookup.
- A regular expression (`regex`, `iregex`) SQLite cannot read is refused with DataError before the query runs, as
  PostgreSQL refuses one it cannot read: SQLite reads it with Python's `re` inside the query, where the error
  surfaces as an OperationalError ("user-defined function raised exception") that says nothing of its cause.
"""

import re

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import DataError
from django.db.models import Field, ForeignObject, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.functions import ExtractIsoYear, ExtractYear
from django.db.models.lookups import (
    In,
    IntegerFieldExact,
    IntegerGreaterThan,
    IntegerGreaterThanOrEqual,
    IntegerLessThan,
    IntegerLessThanOrEqual,
    IRegex,
    Range,
    Regex,
    YearExact,
    YearGt,
    YearGte,
    YearLt,
    YearLte,
)


def column_field(field):
    """The field whose column `field`'s column copies: for a relation, the field it refers to."""
    while field.is_relation:
        field = field.target_field
    return field


def column_range(field, connection):
    """The lowest and highest number the column of `field` holds (None for no bound): for a relation, the column of
    the field it refers to, whose type its own column takes. (None, None) for a column that holds no integers."""
    field = column_field(field)
    if not isinstance(field, IntegerField):
        return None, None
    return connection.ops.integer_field_range(field.get_internal_type())


def within(value, lowest, highest):
    return (lowest is None or value >= lowest) and (highest is None or value <= highest)


def is_written_number(text):
    """Whether `text` is a number as the portal writes one, or no number at all (which the field itself refuses)."""
    try:
        return str(int(text)) == text
    except ValueError:
        return True


class NumberAsWritten:
    """Text given for a number (each value of `in` and `range`) only as `str()` writes the number; ValueError for
    text `int()` reads otherwise (other digits, spaces, a plus sign, leading zeros, underscores)."""

    def get_prep_lookup(self):
        output_field = getattr(self.lhs, "output_field", None)
        if output_field is not None and isinstance(column_field(output_field), IntegerField):
            values = self.rhs if isinstance(self.rhs, (list, tuple, set, frozenset)) else [self.rhs]
            for value in values:
                if isinstance(value, str) and not is_written_number(value):
                    raise ValueError(f"Field {output_field.name!r} expected a number but got {value!r}.")
        return super().get_prep_lookup()


class InColumnRange:
    """`in` leaving out the numbers the column cannot hold."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            lowest, highest = column_range(self.lhs.output_field, connection)
            self.rhs = [value for value in self.rhs if not isinstance(value, int) or within(value, lowest, highest)]
        return super().process_rhs(compiler, connection)


class ComparedInColumnRange:
    """A comparison with a number the column cannot hold: nothing is equal to it; everything is above one below the
    column's range, below one above it (Django's `IntegerFieldOverflow`, on the column a relation refers to)."""

    underflow_exception = EmptyResultSet
    overflow_exception = EmptyResultSet

    def process_rhs(self, compiler, connection):
        if isinstance(self.rhs, int):
            lowest, highest = column_range(self.lhs.output_field, connection)
            if lowest is not None and self.rhs < lowest:
                raise self.underflow_exception
            if highest is not None and self.rhs > highest:
                raise self.overflow_exception
        return super().process_rhs(compiler, connection)


# --- Integer columns: Django's own lookups, with numbers as written (and `in` within the column's range) ---------


@IntegerField.register_lookup
class IntegerFieldExactAsWritten(NumberAsWritten, IntegerFieldExact):
    pass


@IntegerField.register_lookup
class IntegerGreaterThanAsWritten(NumberAsWritten, IntegerGreaterThan):
    pass


@IntegerField.register_lookup
class IntegerGreaterThanOrEqualAsWritten(NumberAsWritten, IntegerGreaterThanOrEqual):
    pass


@IntegerField.register_lookup
class IntegerLessThanAsWritten(NumberAsWritten, IntegerLessThan):
    pass


@IntegerField.register_lookup
class IntegerLessThanOrEqualAsWritten(NumberAsWritten, IntegerLessThanOrEqual):
    pass


@IntegerField.register_lookup
class IntegerFieldIn(NumberAsWritten, InColumnRange, In):
    pass


@IntegerField.register_lookup
class IntegerFieldRange(NumberAsWritten, Range):
    pass


# --- Relations: compared with the id of the related row, within its column's range and as written --------------


@ForeignObject.register_lookup
class RelatedInColumnRange(NumberAsWritten, InColumnRange, RelatedIn):
    pass


@ForeignObject.register_lookup
class RelatedExactInColumnRange(NumberAsWritten, ComparedInColumnRange, RelatedExact):
    pass


@ForeignObject.register_lookup
class RelatedGreaterThanInColumnRange(NumberAsWritten, ComparedInColumnRange, RelatedGreaterThan):
    underflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedGreaterThanOrEqualInColumnRange(NumberAsWritten, ComparedInColumnRange, RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedLessThanInColumnRange(NumberAsWritten, ComparedInColumnRange, RelatedLessThan):
    overflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedLessThanOrEqualInColumnRange(NumberAsWritten, ComparedInColumnRange, RelatedLessThanOrEqual):
    overflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedRange(NumberAsWritten, Range):
    pass


# --- Years of a date (`created_at__year`, `__iso_year`): their own lookups, which take the year as a number ------


class YearExactAsWritten(NumberAsWritten, YearExact):
    pass


class YearGreaterThanAsWritten(NumberAsWritten, YearGt):
    pass


class YearGreaterThanOrEqualAsWritten(NumberAsWritten, YearGte):
    pass


class YearLessThanAsWritten(NumberAsWritten, YearLt):
    pass


class YearLessThanOrEqualAsWritten(NumberAsWritten, YearLte):
    pass


for year in (ExtractYear, ExtractIsoYear):
    for lookup in (
        YearExactAsWritten,
        YearGreaterThanAsWritten,
        YearGreaterThanOrEqualAsWritten,
        YearLessThanAsWritten,
        YearLessThanOrEqualAsWritten,
    ):
        year.register_lookup(lookup)


# --- Regular expressions ------------------------------------------------------------------------------------------


class ReadableRegex:
    """On SQLite, a pattern Python's `re` cannot compile is a DataError before the query runs, as on PostgreSQL.

    SQLite runs `REGEXP` with `re.search` on the pattern as Django writes it: for `iregex`, behind `(?i)`."""

    sqlite_prefix = ""

    def as_sql(self, compiler, connection):
        if connection.vendor == "sqlite" and self.rhs_is_direct_value() and isinstance(self.rhs, str):
            try:
                re.compile(self.sqlite_prefix + self.rhs)
            except re.error as error:
                raise DataError(f"invalid regular expression: {error}") from error
        return super().as_sql(compiler, connection)


@Field.register_lookup
class ReadableRegexLookup(ReadableRegex, Regex):
    pass


@Field.register_lookup
class ReadableIRegexLookup(ReadableRegex, IRegex):
    sqlite_prefix = "(?i)"
