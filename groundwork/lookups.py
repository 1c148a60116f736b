"""`in` on integer columns, steady under numbers no column holds.

Django lets `exact`, `gt`, `gte`, `lt` and `lte` on an integer column treat a number beyond the column's range as
matching nothing (or everything), but not `in`: SQLite's driver raises OverflowError on
`pk__in=[99999999999999999999]`. Every form choosing objects by id (`ModelMultipleChoiceField`, in the staff pages
and the admin alike) filters that way with whatever a visitor sent; here such numbers simply match no row, so the
form says the choice is not one of those offered.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            lowest, highest = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((lowest is None or value >= lowest) and (highest is None or value <= highest))
            ]
        return super().process_rhs(compiler, connection)
