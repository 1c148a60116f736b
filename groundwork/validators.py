import datetime

from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The years a date or time a person enters may fall in: wide enough for any agreement, event or plan of the project,
# narrow enough that converting between time zones, adding weeks or drawing a calendar never leaves Python's
# dates (years 1 to 9999).
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
EARLIEST_INSTANT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# The first instant after the range (exclusive bound).
END_INSTANT = datetime.datetime(2101, 1, 1, tzinfo=datetime.UTC)


@deconstructible
class PlausibleDateValidator:
    """Refuse a date, or a date and time, outside `EARLIEST_DATE`..`LATEST_DATE` (times in UTC terms).

    Every date and time field a person fills in carries it, the forms without a model too; the models add the same
    bounds as a database constraint (`plausible_date_constraint`).
    """

    message = _("Give a date between %(earliest)s and %(latest)s.")
    code = "implausible_date"

    def __call__(self, value):
        if value is None:
            return
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            try:
                inside = EARLIEST_INSTANT <= value < END_INSTANT
            except OverflowError:
                inside = False
        elif isinstance(value, datetime.datetime):
            inside = EARLIEST_DATE <= value.date() <= LATEST_DATE
        else:
            inside = EARLIEST_DATE <= value <= LATEST_DATE
        if not inside:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, PlausibleDateValidator)

    def __hash__(self):
        return hash(self.code)


def plausible_date_constraint(field_name, *, name, instant=False, nullable=False):
    """The database's side of `PlausibleDateValidator` for one field: a `CheckConstraint` for `Meta.constraints`."""
    if instant:
        condition = Q(**{f"{field_name}__gte": EARLIEST_INSTANT, f"{field_name}__lt": END_INSTANT})
    else:
        condition = Q(**{f"{field_name}__gte": EARLIEST_DATE, f"{field_name}__lte": LATEST_DATE})
    if nullable:
        condition = Q(**{f"{field_name}__isnull": True}) | condition
    return CheckConstraint(condition=condition, name=name)


@deconstructible
class ReservedSlugValidator:
    """Refuse slugs that are path segments of pages of their own under the same URL prefix.

    A detail page lives at `<prefix>/<slug>/` beside pages such as `<prefix>/archive/`; an object taking such a
    slug could never be reached.
    """

    message = _("This address is taken by a page of the site; choose another slug.")
    code = "reserved_slug"

    def __init__(self, reserved):
        self.reserved = frozenset(reserved)

    def __call__(self, value):
        if value in self.reserved:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ReservedSlugValidator) and other.reserved == self.reserved

    def __hash__(self):
        return hash(self.reserved)
