from modeltranslation.translator import TranslationOptions, register

from .models import Resource


@register(Resource)
class ResourceTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")
    # A guide may exist in one language only (a Ukrainian leaflet, say): show it rather than an empty title.
    fallback_languages = {"default": ("lv", "en", "uk", "ru")}
