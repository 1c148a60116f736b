from modeltranslation.translator import TranslationOptions, register

from partners.translation import track_translated_columns

from .models import Initiative


@register(Initiative)
class InitiativeTranslationOptions(TranslationOptions):
    fields = ("title", "description")


# The audit trail keeps every language: the historical model carries the same translated columns.
@register(Initiative.history.model)
class HistoricalInitiativeTranslationOptions(TranslationOptions):
    fields = InitiativeTranslationOptions.fields


track_translated_columns(Initiative, InitiativeTranslationOptions.fields)
