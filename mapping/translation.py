from modeltranslation.translator import TranslationOptions, register

from .models import Initiative


@register(Initiative)
class InitiativeTranslationOptions(TranslationOptions):
    fields = ("title", "description")
