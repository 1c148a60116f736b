"""Public pages of the alerts for new events: sign up, confirm, change the filters, unsubscribe. No account: the
confirmation, change and unsubscribe pages are reached through signed links in the e-mails."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView

from groundwork.antispam import SpamProtectedFormViewMixin

from . import alerts
from .alert_forms import AlertFiltersForm, AlertSignUpForm
from .models import (
    ALERT_CONFIRM_SALT,
    ALERT_CONFIRMATION_DAYS,
    ALERT_MANAGE_SALT,
    ALERT_UNSUBSCRIBE_SALT,
    EventAlert,
)


class AlertSignUpView(SpamProtectedFormViewMixin, FormView):
    """The sign-up, prefilled from the event list's filters (its query string). Whatever happens to the address
    (a new sign-up, one that exists, one sent too many confirmations), the visitor is told the same."""

    template_name = "activities/alert_signup.html"
    form_class = AlertSignUpForm

    def get_initial(self):
        return AlertFiltersForm.initial_from_list(self.request.GET)

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirmation_days=ALERT_CONFIRMATION_DAYS, **kwargs)

    def form_valid(self, form):
        try:
            alerts.alert_subscribe(
                email=form.cleaned_data["email"],
                language=get_language(),
                frequency=form.cleaned_data["frequency"],
                **form.filters(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        return redirect("activities:alert_sent")


class AlertSentView(TemplateView):
    template_name = "activities/alert_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirmation_days=ALERT_CONFIRMATION_DAYS, **kwargs)


class SignedAlertMixin:
    """Finds the alert of the signed link: a changed link answers 400, an expired one 400, an alert that is gone
    404, each with a page that says what to do."""

    salt = ""
    max_age = None

    def dispatch(self, request, *args, **kwargs):
        signer = signing.TimestampSigner(salt=self.salt) if self.max_age else signing.Signer(salt=self.salt)
        try:
            token = signer.unsign(kwargs["signed_token"], **({"max_age": self.max_age} if self.max_age else {}))
        except signing.SignatureExpired:
            return self.problem("expired", status=400)
        except signing.BadSignature:
            return self.problem("invalid", status=400)
        self.alert = EventAlert.objects.select_related("library").filter(token=token).first()
        if self.alert is None:
            return self.gone()
        return super().dispatch(request, *args, **kwargs)

    def gone(self):
        return self.problem("gone", status=404)

    def problem(self, problem, *, status):
        context = {"problem": problem, "confirmation_days": ALERT_CONFIRMATION_DAYS}
        return render(self.request, "activities/alert_link_problem.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class AlertConfirmView(SignedAlertMixin, TemplateView):
    """The confirmation link: a button that confirms (a POST, so that a mail program that opens links to check them
    confirms nothing), then the page with the link to change the alert."""

    template_name = "activities/alert_confirm.html"
    salt = ALERT_CONFIRM_SALT
    max_age = ALERT_CONFIRMATION_DAYS * 24 * 60 * 60

    def get_context_data(self, **kwargs):
        return super().get_context_data(alert=self.alert, **kwargs)

    def post(self, request, *args, **kwargs):
        alerts.alert_confirm(alert=self.alert)
        messages.success(request, gettext("Your alert is on. We will write when new events like these are published."))
        return redirect(self.alert.get_manage_url())


@method_decorator(never_cache, name="dispatch")
class AlertManageView(SignedAlertMixin, FormView):
    """The signed link of every alert e-mail: change the filters and how often, or delete the alert."""

    template_name = "activities/alert_manage.html"
    form_class = AlertFiltersForm
    salt = ALERT_MANAGE_SALT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "alert": self.alert}

    def get_initial(self):
        return AlertFiltersForm.initial_from_alert(self.alert)

    def get_context_data(self, **kwargs):
        return super().get_context_data(alert=self.alert, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "delete":
            alerts.alert_delete(alert=self.alert)
            messages.success(request, gettext("The alert is deleted."))
            return redirect("activities:event_list")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            alerts.alert_update(
                alert=self.alert,
                language=get_language(),
                frequency=form.cleaned_data["frequency"],
                **form.filters(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(self.request, gettext("Your alert is saved."))
        return redirect(self.alert.get_manage_url())


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class AlertUnsubscribeView(SignedAlertMixin, TemplateView):
    """One-click unsubscribe (RFC 8058): a mail program POSTs `List-Unsubscribe=One-Click` to this address, with no
    session and no CSRF token, and the address is deleted; the signed link is the proof. A person who opens the
    link gets a page with the button that does the same."""

    template_name = "activities/alert_unsubscribe.html"
    salt = ALERT_UNSUBSCRIBE_SALT
    done = False

    def gone(self):
        # Unsubscribing twice (a mail program and then the person) is done, not an error.
        if self.request.method == "POST":
            return render(self.request, "activities/alert_unsubscribe.html", {"done": True})
        return super().gone()

    def post(self, request, *args, **kwargs):
        alerts.alerts_unsubscribe(alert=self.alert)
        return self.render_to_response(self.get_context_data(done=True))

    def get_context_data(self, **kwargs):
        return super().get_context_data(alert=self.alert, sign_up_url=reverse("activities:alert_signup"), **kwargs)
