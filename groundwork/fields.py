"""Model fields shared by the apps: lists of codes picked from fixed choices, stored as JSON."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of codes picked from fixed choices, stored as a JSON array.

    A JSON array works the same on SQLite and PostgreSQL; querysets filter it with the quoted code
    (`languages__icontains='"uk"'`), which cannot match a longer code by accident.
    """

    def __init__(self, *args, choices=None, **kwargs):
        self.list_choices = choices
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("default", None)
        kwargs["choices"] = self.list_choices
        return name, path, args, kwargs

    def get_choices_list(self):
        choices = self.list_choices
        return list(choices() if callable(choices) else choices)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of values."), code="invalid")
        allowed = {code for code, _label in self.get_choices_list()}
        unknown = sorted({str(v) for v in value} - allowed)
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(values)s."), code="invalid_choice", params={"values": ", ".join(unknown)}
            )

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.get_choices_list(),
            "widget": forms.CheckboxSelectMultiple,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("encoder", "decoder", "max_length"):
            defaults.pop(key, None)
        return form_class(**defaults)


def delivery_languages():
    return settings.DELIVERY_LANGUAGES


class LanguageListField(ChoiceListField):
    """Languages of delivery (ISO 639-1 codes from `settings.DELIVERY_LANGUAGES`)."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = delivery_languages
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs
