from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


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
