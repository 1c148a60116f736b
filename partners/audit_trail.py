"""What the audit trail's list of versions shows for each change: values as a person reads them.

django-simple-history shows a change's values as Python holds them: a status as its code ("published"), an empty
value as "None", a yes-or-no field as "True", a related row that is gone as "Deleted organisation (pk=5)", and it
reads a version's many-to-many rows with queries of their own, two or four for each row of the list. Here a choice
shows its label, a list of codes (`groundwork.fields.ChoiceListField`) their labels, a related row its `str()`, a
date or a number as the admin's language writes it, and an empty value `EMPTY`; a long value is shortened as the
package shortens it, saying how much it left out in the admin's language; the many-to-many rows of the whole
page come in one query per field and each version's object is named from the rows the page selected anyway, so
the page runs as many queries for two versions as for a hundred.
"""

from collections import defaultdict
from itertools import pairwise

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject, ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

from groundwork.fields import ChoiceListField

EMPTY = _("(empty)")


def shown_value(field, value):
    """`value` of the model field `field` (one version's), as the list of versions shows it: plain text."""
    if value is None or value == "" or value == []:  # an empty file too: it equals ""
        return str(EMPTY)
    if isinstance(field, models.ManyToManyField):
        return ", ".join(shown_related(item) for item in value)
    if isinstance(field, models.ForeignKey):
        return shown_related(value)
    if isinstance(field, ChoiceListField):
        labels = dict(field.get_choices_list())
        return ", ".join(str(labels.get(code, code)) for code in value)
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.DateTimeField):
        return formats.localize(timezone.localtime(value))
    return str(formats.localize(value))


def shown_related(obj):
    """A related row by its `str()`; one deleted since (the package's `DeletedObject`) by its kind and id."""
    if not isinstance(obj, DeletedObject):
        return str(obj)
    if obj.pk is None:  # the package's stand-in for an empty foreign key
        return str(EMPTY)
    return gettext("%(kind)s %(id)s (no longer exists)") % {
        "kind": capfirst(obj.model._meta.verbose_name),
        "id": obj.pk,
    }


class ShortenedValues(ObjDiffDisplay):
    """The package's shortening of long values around their first difference, saying in the admin's language how
    much it left out."""

    def shortened_str(self, prefix, num_skipped_chars, suffix):
        left_out = ngettext("[%(count)d character left out]", "[%(count)d characters left out]", num_skipped_chars) % {
            "count": num_skipped_chars
        }
        return f"{prefix}{left_out}{suffix}"


class ChangeDisplay(HistoricalRecordContextHelper):
    """The package's formatting of one change (field label, shortening, escaping), with `shown_value`."""

    def prepare_delta_change_value(self, change, value):
        return shown_value(self.model._meta.get_field(change.field), value)

    def get_obj_diff_display(self):
        return ShortenedValues(max_length=self.max_displayed_delta_change_chars)


def related_rows(records):
    """{history_id: {field name: [related objects]}} of the many-to-many fields the records keep: one query a field.

    Related rows in their model's order; one deleted since is a `DeletedObject` (as the package has it), last.
    """
    found = defaultdict(lambda: defaultdict(list))
    if not records:
        return found
    ids = [record.history_id for record in records]
    for field in records[0]._history_m2m_fields:
        through = getattr(records[0], field.name).model
        target = get_m2m_reverse_field_name(field)
        target_attname = through._meta.get_field(target).attname
        for row in through._default_manager.filter(history_id__in=ids).select_related(target).order_by(target):
            related = getattr(row, target) or DeletedObject(field.related_model, getattr(row, target_attname))
            found[row.history_id][field.name].append(related)
    for rows in found.values():
        for items in rows.values():
            # Rows deleted since last, whichever end of the order the database puts the missing ones at.
            items.sort(key=lambda item: isinstance(item, DeletedObject))
    return found


def set_changes(records, model, *, hidden=()):
    """Give each record but the oldest `history_delta_changes` (what changed since the record before it, for the
    template; the fields named in `hidden` left out) and every record `shown_object` (the object as that version
    has it, named without a query).

    `records` are one page of a history, newest first, with their foreign keys selected (as the package's
    `get_history_queryset()` selects them).
    """
    records = list(records)
    m2m = related_rows(records)
    m2m_names = [field.name for field in records[0]._history_m2m_fields] if records else []
    for record in records:
        record.shown_object = str(object_as_of(record, model))
    for newer, older in pairwise(records):
        delta = newer.diff_against(older, excluded_fields=[*m2m_names, *hidden], foreign_keys_are_objs=True)
        changes = list(delta.changes)
        for name in (name for name in m2m_names if name not in hidden):
            before, after = m2m[older.history_id][name], m2m[newer.history_id][name]
            if [keyed(item) for item in before] != [keyed(item) for item in after]:
                changes.append(ModelChange(name, before, after))
        changes.sort(key=lambda change: change.field)
        delta = ModelDelta(changes, [change.field for change in changes], older, newer)
        newer.history_delta_changes = ChangeDisplay(model, newer).context_for_delta_changes(delta)


def keyed(item):
    return (item.model, item.pk) if isinstance(item, DeletedObject) else (type(item), item.pk)


def object_as_of(record, model):
    """The object as `record` has it, its foreign keys taken from the record's selected rows (no query)."""
    obj = record.history_object
    for field in record.tracked_fields:
        if isinstance(field, models.ForeignKey):
            historical = record._meta.get_field(field.name)
            if historical.is_cached(record):
                field.set_cached_value(obj, historical.get_cached_value(record))
    return obj
