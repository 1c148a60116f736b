from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from groundwork.antispam import SpamProtectedFormMixin
from groundwork.fields import CoordinateField
from groundwork.plaintext import PlainTextareaField, PlainTextField
from groundwork.widgets import PointPickerWidget

from .models import Initiative
from .sheets import SHEET_COLUMNS

# What the public may say about an initiative; status, source, slug and the import id are for staff.
SUGGESTION_FIELDS = (
    "title",
    "description",
    "category",
    "languages",
    "target_groups",
    "host",
    "website",
    "active_since",
    "active_until",
    "street_address",
    "postal_code",
    "city",
    "country",
    "latitude",
    "longitude",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class InitiativeSuggestionForm(SpamProtectedFormMixin, forms.ModelForm):
    """An initiative suggested by anyone; it is stored as pending and published only by a coordinator."""

    # Labels of required fields get this class, which the stylesheet marks with an asterisk.
    required_css_class = "required"

    rate_limit_scope = "initiative-suggestion"

    # Phone keyboards in Latvian, Ukrainian and Russian offer a decimal comma; a phone's position has more places
    # than the model keeps, and nobody should have to shorten it by hand.
    latitude = CoordinateField(
        "latitude",
        rounded=True,
        required=False,
        label=capfirst(Initiative._meta.get_field("latitude").verbose_name),
        help_text=_("Optional: choose the place on the map below, or type the coordinates."),
    )
    longitude = CoordinateField(
        "longitude",
        rounded=True,
        required=False,
        label=capfirst(Initiative._meta.get_field("longitude").verbose_name),
        widget=PointPickerWidget(),
    )
    submitter_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        # What the model's column holds: a longer address is refused here, next to the field, not when stored.
        max_length=Initiative._meta.get_field("submitter_email").max_length,
        help_text=_(
            "Only to tell you whether the initiative was published. We do not publish your address, "
            "and we delete it once we have written to you."
        ),
    )

    class Meta:
        model = Initiative
        fields = SUGGESTION_FIELDS
        # The free text a visitor types, as plain text; the other fields take only codes, numbers, dates or addresses.
        field_classes = {
            "title": PlainTextField,
            "description": PlainTextareaField,
            "street_address": PlainTextField,
            "postal_code": PlainTextField,
            "city": PlainTextField,
            "contact_name": PlainTextField,
            "contact_phone": PlainTextField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "active_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "active_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "host": _("Organisation that runs it"),
            "contact_name": _("Contact person for visitors"),
            "contact_email": _("Contact e-mail for visitors"),
            "contact_phone": _("Contact phone for visitors"),
        }
        help_texts = {
            "description": _("What happens, when and for whom, in a few sentences."),
            "host": _("Leave empty if it is not listed."),
            "contact_name": _("Shown on the initiative's page."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = self.fields["host"].queryset.order_by("name")
        self.fields["description"].required = True

    def add_model_errors(self, error):
        """Show the model's refusal of the suggestion as stored (`services.suggestion_create`) on the form: each
        message next to the field it is about (the text fields by their column in the visitor's language), the
        rest above the form."""
        translated = {
            build_localized_fieldname(name, code): name
            for name in ("title", "description")
            for code in settings.MODELTRANSLATION_LANGUAGES
        }
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for name, messages in by_field.items():
            name = translated.get(name, name)
            self.add_error(name if name in self.fields else None, messages)


class InitiativeRejectForm(forms.Form):
    """The reason a coordinator gives when rejecting suggestions; the submitters read it."""

    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Sent to the people who left an e-mail address with their suggestion."),
    )


class InitiativeImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    publish = forms.BooleanField(
        label=_("Publish new initiatives at once"),
        required=False,
        initial=True,
        help_text=_("Otherwise they wait for review. Initiatives already on the portal keep their status."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("The first row names the columns: %(columns)s.") % {
            "columns": ", ".join(SHEET_COLUMNS)
        }
