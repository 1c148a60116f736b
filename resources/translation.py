from modeltranslation.translator import TranslationOptions, register

from partners.translation import track_translated_columns

from .models import ActionItem, GoodPractice, Resource, Strategy


@register(Resource)
class ResourceTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")
    # A guide may exist in one language only (a Ukrainian leaflet, say): show it rather than an empty title.
    fallback_languages = {"default": ("lv", "en", "uk", "ru")}


@register(GoodPractice)
class GoodPracticeTranslationOptions(TranslationOptions):
    fields = ("need", "what_was_done", "partners_involved", "resources_needed", "results", "how_to_transfer")
    fallback_languages = {"default": ("lv", "en", "uk", "ru")}


@register(Strategy)
class StrategyTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(ActionItem)
class ActionItemTranslationOptions(TranslationOptions):
    fields = ("title",)


# The audit trail keeps every language: the historical model carries the same translated columns.
@register(Resource.history.model)
class HistoricalResourceTranslationOptions(TranslationOptions):
    fields = ResourceTranslationOptions.fields
    fallback_languages = ResourceTranslationOptions.fallback_languages


track_translated_columns(Resource, ResourceTranslationOptions.fields)
