"""Fields shared by the apps: lists of codes picked from fixed choices, stored as JSON, and the form field that
reads a latitude or longitude as people type it."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .widgets import CoordinateInput


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


class CoordinateField(forms.DecimalField):
    """A latitude or longitude (`axis`) written with a decimal point or a decimal comma, spaces anywhere ignored.

    Latvian, Ukrainian and Russian keyboards and spreadsheets write "56,9496"; Django's own decimal field refuses it
    unless the whole form is localised. Anything that is no number of the globe (text, NaN, infinity, beyond ±90 or
    ±180) is refused with `message`, which names the value (`%(value)s`), under `code`. With `rounded`, more places
    than `decimal_places` are rounded away (a spreadsheet's float, a phone's position); without, they are refused
    by Django's check of the places, as any decimal field refuses them.
    """

    LIMITS = {"latitude": 90, "longitude": 180}
    MESSAGES = {
        "latitude": _("“%(value)s” is not a latitude: give a number between -90 and 90, such as 56.95."),
        "longitude": _("“%(value)s” is not a longitude: give a number between -180 and 180, such as 24.11."),
    }

    def __init__(self, axis, *, message=None, code="invalid", rounded=False, max_digits=8, decimal_places=5, **kwargs):
        if axis not in self.LIMITS:
            raise ValueError(f"axis must be 'latitude' or 'longitude', not {axis!r}")
        self.limit = self.LIMITS[axis]
        self.message = message or self.MESSAGES[axis]
        self.code = code
        self.rounded = rounded
        kwargs.setdefault("widget", CoordinateInput(axis))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = "".join(str(value).split()).replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        # `copy_abs`, not `abs`: no rounding, so a number with an exponent beyond any context (1e1000000) is just
        # too large, rather than an Overflow raised.
        if number is None or not number.is_finite() or number.copy_abs() > self.limit:
            raise ValidationError(self.message, code=self.code, params={"value": str(value).strip()})
        if self.rounded and self.decimal_places is not None:
            return number.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)
        return number
