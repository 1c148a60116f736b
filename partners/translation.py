from modeltranslation.translator import TranslationOptions, register

from .models import Agreement, Organisation


@register(Organisation)
class OrganisationTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "description")


@register(Agreement)
class AgreementTranslationOptions(TranslationOptions):
    fields = ("title", "summary")
