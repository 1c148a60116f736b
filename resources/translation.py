from modeltranslation.translator import TranslationOptions, register

from .models import Resource


@register(Resource)
class ResourceTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "body")
