"""Lookups on integer columns, steady under numbers no column holds.

Django lets `exact`, `gt`, `gte`, `lt` and `lte` on an integer column treat a number beyond the column's range as
matching nothing (or everything), but not `in`, and not any lookup through a relation (`event=…`, `event_id=…`,
`event__in=…`, `event__gt=…` on a foreign key compare with the related row's id): SQLite's driver raises
OverflowError on `pk__in=[99999999999999999999]` or `event=99999999999999999999`. Every form choosing objects by id
(`ModelMultipleChoiceField`, in the staff pages and the admin alike) and every admin list filtering by a relation
(`?event=<id>`) filters that way with whatever a visitor sent; here such numbers simply match no row, as on
PostgreSQL, so the form says the choice is not one of those offered and the list is empty, as for any unknown id.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import In


def column_range(field, connection):
    """The lowest and highest number the column of `field` holds (None for no bound): for a relation, the column of
    the field it refers to, whose type its own column takes. (None, None) for a column that holds no integers."""
    while field.is_relation:
        field = field.target_field
    if not isinstance(field, IntegerField):
        return None, None
    return connection.ops.integer_field_range(field.get_internal_type())


def within(value, lowest, highest):
    return (lowest is None or value >= lowest) and (highest is None or value <= highest)


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


@IntegerField.register_lookup
class IntegerFieldIn(InColumnRange, In):
    pass


@ForeignObject.register_lookup
class RelatedInColumnRange(InColumnRange, RelatedIn):
    pass


@ForeignObject.register_lookup
class RelatedExactInColumnRange(ComparedInColumnRange, RelatedExact):
    pass


@ForeignObject.register_lookup
class RelatedGreaterThanInColumnRange(ComparedInColumnRange, RelatedGreaterThan):
    underflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedGreaterThanOrEqualInColumnRange(ComparedInColumnRange, RelatedGreaterThanOrEqual):
    underflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedLessThanInColumnRange(ComparedInColumnRange, RelatedLessThan):
    overflow_exception = FullResultSet


@ForeignObject.register_lookup
class RelatedLessThanOrEqualInColumnRange(ComparedInColumnRange, RelatedLessThanOrEqual):
    overflow_exception = FullResultSet
