import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Registration

# The time trap: a person needs some seconds to fill in the form; a stamp older than a day is from a stale page.
TIME_TRAP_MIN_SECONDS = 3
TIME_TRAP_MAX_SECONDS = 24 * 60 * 60
TIME_TRAP_SALT = "activities.registration.form"

HONEYPOT_FIELD = "website"


def time_trap_stamp(event, at: float | None = None) -> str:
    """The signed moment the registration form for `event` was handed out, for its hidden `started` field."""
    return signing.dumps({"event": event.pk, "at": int(time.time() if at is None else at)}, salt=TIME_TRAP_SALT)


class RegistrationForm(forms.Form):
    """Only what the organiser needs to reach a registrant; no nationality, no residence status.

    Besides the fields, `clean()` refuses automated posts: a filled honeypot field (hidden from people) and a form
    sent too fast after it was handed out (or with a stamp that is missing, changed or for another event), each
    as a non-field error with its own code (`honeypot`, `too_fast`, `stale`, `tampered`).
    """

    name = forms.CharField(
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
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, event, **kwargs):
        self.event = event
        kwargs.setdefault("initial", {}).setdefault("language", get_language())
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD].widget.attrs.update(tabindex="-1", autocomplete="off")
        self.fields["name"].widget.attrs.update(autocomplete="name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["phone"].widget.attrs.update(autocomplete="tel")
        self.fields["phone"].widget.input_type = "tel"

    def clean(self):
        cleaned_data = super().clean()
        if self.data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _(
                    "Your registration was not accepted: a field that people do not see was filled in, which "
                    "automated programs do. If you are a person, reload the page and send the form again."
                ),
                code="honeypot",
            )
        self._check_time_trap()
        if not cleaned_data.get("email") and not cleaned_data.get("phone") and "email" not in self.errors:
            self.add_error("email", _("Give an e-mail address or a phone number, so the organiser can reach you."))
        return cleaned_data

    def _check_time_trap(self):
        try:
            stamp = signing.loads(self.data.get("started", ""), salt=TIME_TRAP_SALT)
            handed_out, event_id = int(stamp["at"]), stamp["event"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            handed_out, event_id = None, None
        if event_id != self.event.pk:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again from this page."), code="tampered"
            )
        elapsed = time.time() - handed_out
        if elapsed < TIME_TRAP_MIN_SECONDS:
            raise forms.ValidationError(
                _(
                    "The form was sent too quickly after the page opened, as automated programs do. Please check "
                    "your answers and send the form again."
                ),
                code="too_fast",
            )
        if elapsed > TIME_TRAP_MAX_SECONDS:
            raise forms.ValidationError(
                _("The page was open for a long time. Please check your answers and send the form again."),
                code="stale",
            )
