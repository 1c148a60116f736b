from modeltranslation.settings import AVAILABLE_LANGUAGES
from modeltranslation.translator import TranslationOptions, register
from modeltranslation.utils import build_localized_fieldname

from .models import Agreement, Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "description")


@register(Agreement)
class AgreementTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


# The audit trail keeps every language: the historical models carry the same translated columns.
@register(Organisation.history.model)
class HistoricalOrganisationTranslationOptions(TranslationOptions):
    fields = OrganisationTranslationOptions.fields


@register(Agreement.history.model)
class HistoricalAgreementTranslationOptions(TranslationOptions):
    fields = AgreementTranslationOptions.fields


def track_translated_columns(model, fields):
    """Let the audit trail compare the per-language columns too.

    simple-history lists a model's tracked fields when the model class is built, before modeltranslation adds
    the per-language columns; it stores their values all the same, so only the list needs them.
    """
    history_model = model.history.model
    tracked = {field.name for field in history_model.tracked_fields}
    history_model.tracked_fields = [
        *history_model.tracked_fields,
        *(
            model._meta.get_field(build_localized_fieldname(name, code))
            for name in fields
            for code in AVAILABLE_LANGUAGES
            if build_localized_fieldname(name, code) not in tracked
        ),
    ]


track_translated_columns(Organisation, OrganisationTranslationOptions.fields)
track_translated_columns(Agreement, AgreementTranslationOptions.fields)
