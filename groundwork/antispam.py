"""Protection of public forms against automated submissions: a honeypot, a time trap and a rate limit.

Any app's public form (an initiative suggestion, an event registration) mixes in `SpamProtectedFormMixin` and is
built with the request::

    class SuggestionForm(SpamProtectedFormMixin, forms.ModelForm):
        rate_limit_scope = "initiative-suggestion"

    form = SuggestionForm(request.POST, request=request)

- **Honeypot.** A text field people never see (hidden by the template's `form-trap` or `trap-field` class, out of
  the tab order, labelled "leave this field empty" for anyone whose browser shows it anyway); robots fill every
  field they find. Templates render `form.trap_fields` together.
- **Time trap.** A signed timestamp of when the form was shown; a submission faster than `min_seconds` is a robot,
  one older than `max_seconds` is stale (a form people open and send much later, such as an event's registration,
  sets a longer `max_seconds`). Every rendering carries a fresh stamp, so a person correcting an error is never
  locked out. A form shown for one object (an event) binds the stamp to it through `stamp_subject()`: a stamp
  handed out on one event's page does not pass on another's.
- **Rate limit.** At most `rate_limit` accepted submissions per client address and `rate_limit_scope` within
  `rate_limit_period` seconds, counted in the cache (Redis in production). Only submissions that passed every
  other check count, so a person correcting mistakes is not locked out. When the cache is down the limit is not
  applied (fail open, logged): nobody loses a registration to a cache outage. The address is
  `groundwork.clients.client_address`, the one the login lockout counts by, so both follow one proxy configuration;
  an IPv6 client counts by her /64 (`client_network`).

The checks run in `clean()` and report as non-field errors with plain messages and the codes `honeypot`,
`time_trap_invalid`, `too_fast`, `expired` and `rate_limited` (a view may answer the last with 429); the
honeypot's message does not say what gave the robot away. A form with checks of its own across fields runs them
before calling `super().clean()`, so that a submission they refuse is not counted.
"""

import hashlib
import logging
import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from groundwork.clients import client_network

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "homepage"
STARTED_FIELD = "form_started"
# The salt predates the move out of partners: a new one would refuse every form open while a release goes out.
_SALT = "partners.antispam.form-started"


def _salt(subject):
    # The subject goes into the salt rather than the stamp: a stamp for another subject fails its signature, and an
    # unbound stamp stays the bare signed time.
    return _SALT if subject is None else f"{_SALT}:{subject}"


def started_token(subject=None):
    """A signed stamp of the present moment, valid only for a form with the same `subject`."""
    return signing.dumps(time.time(), salt=_salt(subject), compress=False)


class FreshStampInput(forms.HiddenInput):
    """Renders a new time stamp every time, whatever was posted: the posted stamp is only read by `clean()`."""

    def __init__(self, attrs=None, *, subject=None):
        super().__init__(attrs)
        self.subject = subject

    def format_value(self, value):
        return started_token(self.subject)


def client_rate_key(request, scope, period):
    address = client_network(request) or "unknown"
    window = int(time.time() // period)
    digest = hashlib.sha256(address.encode()).hexdigest()[:24]
    return f"antispam:{scope}:{digest}:{window}"


def rate_limit_reached(request, *, scope, limit, period):
    """Count one submission from this client; True when it goes beyond `limit` within the current period.

    Without a working cache the limit is not applied (and that is logged): a person must always be able to send the
    form, and the honeypot and the time trap still hold robots off.
    """
    key = client_rate_key(request, scope, period)
    try:
        cache.add(key, 0, period)
        try:
            count = cache.incr(key)
        except ValueError:
            # The key expired between add() and incr(): this is the first submission of a new period.
            cache.set(key, 1, period)
            count = 1
    except Exception as error:
        logger.warning("Rate limit of %s not applied: the cache cannot be reached (%s)", scope, error)
        return False
    if count is None:
        # django-redis answers None when it ignored a connection error.
        logger.warning("Rate limit of %s not applied: the cache cannot be reached", scope)
        return False
    return count > limit


class SpamProtectedFormMixin:
    """Adds the honeypot and time-trap fields and the three checks to a form; pass `request=` when building it."""

    min_seconds = 3
    max_seconds = 6 * 60 * 60
    rate_limit = 5
    rate_limit_period = 60 * 60
    rate_limit_scope = "public-form"

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        # No label: the input is hidden, and a label would point at nothing.
        self.fields[STARTED_FIELD] = forms.CharField(
            required=False, label="", widget=FreshStampInput(subject=self.stamp_subject())
        )

    def stamp_subject(self):
        """What the time stamp is bound to, as a string (e.g. the event a registration form is for); None binds
        nothing. Called from `__init__`: a form sets what it reads before calling `super().__init__()`."""
        return None

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("Your submission could not be accepted. Please try again later."), code="honeypot"
            )
        try:
            started = signing.loads(self.data.get(self.add_prefix(STARTED_FIELD), ""), salt=_salt(self.stamp_subject()))
            elapsed = time.time() - float(started)
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="time_trap_invalid"
            ) from None
        if elapsed < self.min_seconds:
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check it and send it again."), code="too_fast"
            )
        if elapsed > self.max_seconds:
            raise forms.ValidationError(
                _("The form was open for too long. Please check it and send it again."), code="expired"
            )
        if not self.errors and rate_limit_reached(
            self.request, scope=self.rate_limit_scope, limit=self.rate_limit, period=self.rate_limit_period
        ):
            raise forms.ValidationError(
                _("Too many submissions from your connection. Please try again later."), code="rate_limited"
            )
        return cleaned_data

    def submission_key(self) -> str:
        """A digest of this submission: the stamp the page handed out and the values sent (after `is_valid()`).

        A post sent again as it was (a proxy sending it to another node after the first died, a second tap on a
        slow connection) has the same key, so the write it asks for can be done once; another person's post from
        the same page (a group at a library computer) differs in its values and gets a key of its own."""
        values = sorted(
            (name, repr(value))
            for name, value in self.cleaned_data.items()
            if name not in (HONEYPOT_FIELD, STARTED_FIELD)
        )
        stamp = self.data.get(self.add_prefix(STARTED_FIELD), "")
        return hashlib.blake2b(repr((stamp, values)).encode(), digest_size=16).hexdigest()

    def trap_fields(self):
        """The honeypot and time-stamp bound fields, for the template to render apart from the visible fields."""
        return [self[HONEYPOT_FIELD], self[STARTED_FIELD]]


class SpamProtectedFormViewMixin:
    """For the view of a `SpamProtectedFormMixin` form: builds the form with the request, and answers a form it
    refuses with 429 when the rate limit was reached and 400 otherwise (the form shown again with its messages)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        status = 429 if form.has_error(NON_FIELD_ERRORS, "rate_limited") else 400
        return self.render_to_response(self.get_context_data(form=form), status=status)
