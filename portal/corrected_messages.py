"""Django's own messages whose translation the portal corrects in its catalogues (`locale/`, read before Django's).

Named here so that `make messages` (makemessages with `--no-obsolete`) keeps them in the portal's catalogues: a
message no source file of the portal names would be dropped from them, and Django's own wording would be back.
"""

from django.utils.translation import gettext_noop

CORRECTED = (
    # ChoiceField and ModelChoiceField, e.g. a refused filter value on the map: Django's Ukrainian says "Зробить"
    # (a misspelt "Зробіть") and its Russian leaves the second message in English.
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
)
