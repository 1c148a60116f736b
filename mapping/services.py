"""Writes on initiatives: the admin, imports, suggestions and commands change initiatives only through these.

Bulk writes (imports) set `updated_at` themselves: the map data version (`mapping.freshness`) reads it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from groundwork.queue import enqueue_on_commit
from groundwork.slugs import unique_slug
from partners.models import StaffMembership

from .imports import ROW_COLUMNS, SheetError, check_sheet
from .models import RESERVED_SLUGS, Initiative, InitiativeImport

SLUG_LENGTH = Initiative._meta.get_field("slug").max_length
TRANSLATED_FIELDS = ("title", "description")


def available_slug(text: str, *, taken: set[str] | None = None) -> str:
    """A slug made from `text` that no initiative uses; with `taken` (every slug in use, as an import knows them),
    the database is not asked, and the new slug is added to it."""

    def in_use(stem):
        if taken is not None:
            return (slug for slug in taken if slug.startswith(stem))
        return Initiative.objects.filter(slug__startswith=stem).values_list("slug", flat=True)

    slug = unique_slug(text, max_length=SLUG_LENGTH, in_use=in_use, reserved=RESERVED_SLUGS, fallback="initiative")
    if taken is not None:
        taken.add(slug)
    return slug


def _require_default_language_title(initiative: Initiative) -> None:
    default_title = build_localized_fieldname("title", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    if not getattr(initiative, default_title):
        raise ValidationError(
            {
                default_title: _(
                    "Give the initiative a Latvian title before publishing it: other languages fall back to it."
                )
            }
        )


def _stored(initiative: Initiative) -> dict | None:
    """What the database holds of the initiative's moderation (`status`, `source`, `submitter_email`,
    `submitter_language`), its row locked until the transaction ends; None for a new initiative.

    Two decisions on one suggestion at once are then taken one after the other, each knowing what the other left.
    """
    if initiative.pk is None:
        return None
    rows = Initiative.objects.select_for_update().filter(pk=initiative.pk)
    return rows.values("status", "source", "submitter_email", "submitter_language").first()


def _tell_submitter_of_decision(initiative: Initiative, *, stored: dict | None) -> None:
    """A suggestion moved from another status to published or archived is a decision its submitter hears about,
    once the transaction commits, whichever way it was taken (an action or the change form); a save that leaves
    the status as it was tells nothing again."""
    if stored is None or stored["status"] == initiative.status or initiative.status == Initiative.Status.PENDING:
        return
    if stored["source"] == Initiative.Source.SUGGESTION and stored["submitter_email"]:
        enqueue_on_commit("mapping.tasks.notify_submitter", initiative.pk)


@transaction.atomic
def initiative_approve(*, initiative: Initiative) -> Initiative:
    """Publish a pending (or archived) initiative; tell the submitter of a suggestion. Raises ValidationError."""
    stored = _stored(initiative)
    _require_default_language_title(initiative)
    initiative.status = Initiative.Status.PUBLISHED
    initiative.rejection_reason = ""
    initiative.full_clean()
    initiative.save(update_fields=["status", "rejection_reason", "updated_at"])
    _tell_submitter_of_decision(initiative, stored=stored)
    return initiative


@transaction.atomic
def initiative_archive(*, initiative: Initiative) -> Initiative:
    """Take an initiative off the public map and list; it stays in the admin. A suggestion archived is not
    published: its submitter is told, as of a rejection (without a reason). Raises ValidationError if invalid."""
    stored = _stored(initiative)
    initiative.status = Initiative.Status.ARCHIVED
    initiative.full_clean()
    initiative.save(update_fields=["status", "updated_at"])
    _tell_submitter_of_decision(initiative, stored=stored)
    return initiative


@transaction.atomic
def initiative_reject(*, initiative: Initiative, reason: str) -> Initiative:
    """Turn down a pending suggestion: archive it with the reason, and tell the submitter if she left an e-mail."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"rejection_reason": _("Give the reason for the rejection.")})
    stored = _stored(initiative)
    if stored is None or stored["status"] != Initiative.Status.PENDING:
        raise ValidationError(_("Only initiatives pending review can be rejected; archive published ones instead."))
    initiative.status = Initiative.Status.ARCHIVED
    initiative.rejection_reason = reason
    initiative.save(update_fields=["status", "rejection_reason", "updated_at"])
    _tell_submitter_of_decision(initiative, stored=stored)
    return initiative


@transaction.atomic
def initiative_save(*, initiative: Initiative) -> Initiative:
    """Save an initiative staff added or changed in the admin's form. Raises ValidationError.

    A change of status there is the decision the actions take: publishing needs a Latvian title and clears a
    rejection reason, and the submitter of a suggestion is told once the change is committed. Where the initiative
    came from and who suggested it are never the form's: the stored source, address and language are kept, so that
    an address erased meanwhile (she was told) is not written back.
    """
    stored = _stored(initiative)
    if stored is not None:
        initiative.source = stored["source"]
        initiative.submitter_email = stored["submitter_email"]
        initiative.submitter_language = stored["submitter_language"]
    if initiative.status == Initiative.Status.PUBLISHED:
        _require_default_language_title(initiative)
        initiative.rejection_reason = ""
    initiative.full_clean()
    initiative.save()
    _tell_submitter_of_decision(initiative, stored=stored)
    return initiative


@transaction.atomic
def suggestion_create(*, initiative: Initiative, submitter_email: str, language: str) -> Initiative:
    """Store an initiative suggested by the public as pending, whatever the form said about status or source.

    `initiative` is unsaved, with its text in the plain fields; the text is kept in the column of the language the
    visitor wrote in (`language`), for a coordinator to translate before she publishes it.
    """
    with translation.override(language):
        # modeltranslation reads and writes the plain field in the active language's column.
        texts = {field: getattr(initiative, field) or "" for field in TRANSLATED_FIELDS}
    for field, value in texts.items():
        for code in settings.MODELTRANSLATION_LANGUAGES:
            setattr(initiative, build_localized_fieldname(field, code), value if code == language else "")
    initiative.status = Initiative.Status.PENDING
    initiative.source = Initiative.Source.SUGGESTION
    initiative.external_id = None
    initiative.is_sample = False
    initiative.submitter_email = submitter_email
    initiative.submitter_language = language
    initiative.slug = available_slug(getattr(initiative, build_localized_fieldname("title", language)))
    with translation.override(language):
        initiative.full_clean()
    initiative.save()
    enqueue_on_commit("mapping.tasks.notify_moderators", initiative.pk)
    return initiative


def moderators_notify(*, initiative: Initiative) -> int:
    """Tell the coordinators that a suggestion waits for them, with the link to review it; returns how many were
    told. In the site's default language, since coordinators work in it; the title as the visitor wrote it, in
    whatever language she used."""
    if initiative.status != Initiative.Status.PENDING:
        return 0
    addresses = sorted(
        set(
            StaffMembership.objects.filter(role=StaffMembership.Role.COORDINATOR, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not addresses:
        return 0
    context = {
        "title": initiative.submitted_title,
        "city": initiative.city,
        "review_url": settings.SITE_URL + reverse("admin:mapping_initiative_change", args=[initiative.pk]),
    }
    subject = gettext("A new initiative was suggested for the LIBRI map")
    body = render_to_string("mapping/email/suggestion_received.txt", context)
    send_mail(subject, body, None, addresses)
    return len(addresses)


@transaction.atomic
def submitter_notify(*, initiative: Initiative) -> bool:
    """E-mail the submitter the decision on her suggestion, then erase her address (it served this purpose only).

    Sent in the language she used; nothing happens when there is no address or no decision yet. The row is read
    again and locked: of two notices queued by two decisions in a row, the first tells the decision as it stands
    and the second finds the address erased, so she gets one e-mail. If sending fails, the address is kept for the
    next try.
    """
    initiative = Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
    if initiative is None or not initiative.submitter_email or initiative.status == Initiative.Status.PENDING:
        return False
    published = initiative.status == Initiative.Status.PUBLISHED
    context = {
        "initiative": initiative,
        "title": initiative.submitted_title,
        "published": published,
        "url": settings.SITE_URL + initiative.get_absolute_url() if published else "",
        "reason": initiative.rejection_reason,
    }
    subject = (
        gettext("Your suggestion is on the LIBRI map") if published else gettext("Your suggestion for the LIBRI map")
    )
    body = render_to_string("mapping/email/suggestion_decision.txt", context)
    send_mail(subject, body, None, [initiative.submitter_email])
    # Not a change the map shows, so `updated_at` (and with it every map ETag) stays as it is: `update()` sends no
    # signal and so starts no new map data version.
    Initiative.objects.filter(pk=initiative.pk).update(submitter_email="")
    return True


class ImportRefused(Exception):
    """A confirmed import that cannot be written (already imported, or its rows now have errors)."""


# Columns an import writes on existing initiatives (besides `updated_at`): every column a row sets, so that none the
# preview shows as read is left unwritten on update.
IMPORT_FIELDS = ROW_COLUMNS
IMPORT_BATCH_SIZE = 500


def initiative_import_preview(*, file, user, publish: bool) -> InitiativeImport:
    """Keep an uploaded sheet with every row checked; nothing is written to initiatives. Raises SheetError."""
    sheet = check_sheet(file, file.name)
    file.seek(0)
    sheet_import = InitiativeImport(
        file_name=file.name[:255],
        publish=publish,
        uploaded_by=user,
        rows=[row.summary() for row in sheet.rows],
        error_count=sheet.error_count,
    )
    sheet_import.file.save(file.name, file, save=False)
    sheet_import.save()
    return sheet_import


class _RowsNowWrong(Exception):
    def __init__(self, sheet):
        self.sheet = sheet


def initiative_import_confirm(*, sheet_import: InitiativeImport) -> InitiativeImport:
    """Write every row of a previewed sheet, or none: one transaction; rows are matched by external id.

    The stored file is checked again, so rows that went wrong since the preview (a host deleted meanwhile) stop
    the import, with the preview updated to show them. Raises ImportRefused.
    """
    try:
        return _import_write(sheet_import.pk)
    except _RowsNowWrong as refusal:
        InitiativeImport.objects.filter(pk=sheet_import.pk).update(
            rows=[row.summary() for row in refusal.sheet.rows], error_count=refusal.sheet.error_count
        )
        raise ImportRefused(
            gettext("Some rows have errors now; nothing was imported. Correct them and upload the sheet again.")
        ) from None


@transaction.atomic
def _import_write(pk: int) -> InitiativeImport:
    # Locked: a second confirmation (a double click) waits here and then finds the sheet imported.
    sheet_import = InitiativeImport.objects.select_for_update().get(pk=pk)
    if sheet_import.status != InitiativeImport.Status.PREVIEWED:
        raise ImportRefused(gettext("This sheet has already been imported."))
    try:
        with sheet_import.file.open("rb") as file:
            sheet = check_sheet(file, sheet_import.file_name)
    except (SheetError, FileNotFoundError) as error:
        raise ImportRefused(str(error)) from None
    if sheet.error_count:
        raise _RowsNowWrong(sheet)

    # Bulk writes skip `auto_now`: `updated_at` is set here, since the map data version reads it too.
    now = timezone.now()
    taken = set(Initiative.objects.values_list("slug", flat=True))
    status = Initiative.Status.PUBLISHED if sheet_import.publish else Initiative.Status.PENDING
    created, updated = [], []
    for row in sheet.rows:
        initiative = row.initiative
        initiative.updated_at = now
        if initiative.pk:
            updated.append(initiative)
        else:
            initiative.slug = available_slug(row.title, taken=taken)
            initiative.status = status
            initiative.source = Initiative.Source.IMPORT
            initiative.created_at = now
            created.append(initiative)
    Initiative.objects.bulk_create(created, batch_size=IMPORT_BATCH_SIZE)
    Initiative.objects.bulk_update(updated, [*IMPORT_FIELDS, "updated_at"], batch_size=IMPORT_BATCH_SIZE)

    sheet_import.status = InitiativeImport.Status.IMPORTED
    sheet_import.created_count = len(created)
    sheet_import.updated_count = len(updated)
    sheet_import.imported_at = now
    sheet_import.rows = [row.summary() for row in sheet.rows]
    sheet_import.save()
    return sheet_import
