from modeltranslation.translator import TranslationOptions, register

from partners.translation import track_translated_columns

from .models import Event


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "venue_name", "accessibility", "image_alt")


# The audit trail keeps every language: the historical model carries the same translated columns.
@register(Event.history.model)
class HistoricalEventTranslationOptions(TranslationOptions):
    fields = EventTranslationOptions.fields


track_translated_columns(Event, EventTranslationOptions.fields)
