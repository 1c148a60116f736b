from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groundwork.antispam import SpamProtectedFormMixin
from groundwork.plaintext import PlainTextareaField, PlainTextField

from .models import SURVEY_COMMENT_MAX_LENGTH, Registration, SurveyAnswer


class RegistrationForm(SpamProtectedFormMixin, forms.Form):
    """Only what the organiser needs to reach a registrant; no nationality, no residence status.

    Built with the event and the request. The public-form checks of `SpamProtectedFormMixin` refuse automated
    posts, with a time stamp bound to the event (one handed out on another event's page does not pass).
    """

    # People open an event's page and register later the same day or the next: a stamp is good for a day.
    max_seconds = 24 * 60 * 60
    # Accepted registrations per address in a window. A library's public computers share one address, so there is
    # room for a group.
    rate_limit = 10
    rate_limit_period = 10 * 60
    rate_limit_scope = "event-registration"
    # Labels of required fields get this class, which the stylesheet marks with an asterisk.
    required_css_class = "required"

    name = PlainTextField(
        label=_("Name or nickname"),
        max_length=100,
        help_text=_("So the organiser knows who is coming. A nickname is fine."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("For your confirmation, a reminder the day before and news of changes, with a link to cancel."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        validators=[
            RegexValidator(r"^\+?[0-9 ()-]{7,30}$", _("Write the phone number with digits, e.g. +371 20000000."))
        ],
        help_text=_("If you have no e-mail: the organiser can call you about changes."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("We write to you in this language."),
    )
    needs = forms.MultipleChoiceField(
        label=_("What you need to take part (optional)"),
        choices=Registration.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("So that the organiser can prepare. Tick only what you want to tell."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the organiser uses these data to prepare the event and to contact me about it."),
        error_messages={"required": _("Please agree, or we cannot register you.")},
    )

    def __init__(self, *args, event, **kwargs):
        self.event = event
        kwargs.setdefault("initial", {}).setdefault("language", get_language())
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["phone"].widget.input_type = "tel"

    def stamp_subject(self):
        return f"event:{self.event.pk}"

    def clean(self):
        # Before the spam checks, so that a registration refused here does not count towards the rate limit.
        data = self.cleaned_data
        if not data.get("email") and not data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number, so the organiser can reach you."))
        return super().clean()


class SurveyForm(SpamProtectedFormMixin, forms.Form):
    """ "Was this event helpful for your integration?": one answer and an optional comment, nothing about the
    person. Built with the event and the request; the public-form checks refuse automated posts."""

    # People answer on their phones at the end of the event, often within seconds of opening the page.
    min_seconds = 2
    max_seconds = 24 * 60 * 60
    # Everyone in the room may answer through the library's one address, so the limit leaves room for a crowd.
    rate_limit = 80
    rate_limit_period = 10 * 60
    rate_limit_scope = "event-survey"
    required_css_class = "required"

    answer = forms.ChoiceField(
        label=_("Was this event helpful for your integration, for your life in Latvia?"),
        choices=SurveyAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )
    comment = PlainTextareaField(
        label=_("Anything you want to tell the organiser? (optional)"),
        required=False,
        max_length=SURVEY_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("At most 500 characters. Please write no names or contact details: the answer is anonymous."),
    )

    def __init__(self, *args, event, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    def stamp_subject(self):
        return f"survey:{self.event.pk}"


class RegistrationChangeForm(forms.Form):
    """What a registrant may change on her own page: the same questions as the registration form asked. The
    contact stays as given: it is how the organiser reaches her, and a new address would need confirming."""

    required_css_class = "required"

    name = RegistrationForm.base_fields["name"]
    language = RegistrationForm.base_fields["language"]
    needs = RegistrationForm.base_fields["needs"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="name")
