"""Admin pages of staff accounts that are not a model's pages: password setting and one-time passwords."""

import math
from base64 import b32encode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from . import services


class StaffPasswordSetView(PasswordResetConfirmView):
    """Where an invited person (or one whose password a coordinator reset) chooses her password."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("admin:login")
    admin_site = admin.site

    def get_context_data(self, **kwargs):
        return {**self.admin_site.each_context(self.request), **super().get_context_data(**kwargs)}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Your password is set. You can log in now."))
        return response


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("One-time password"),
        max_length=16,
        help_text=_("The 6-digit code your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


def throttled_seconds(devices):
    """Seconds until every one of the devices checks codes again, or 0 when all of them check codes now.

    After a wrong code django-otp refuses the next ones for 1, 2, 4, 8… seconds without looking at them, so a right
    code sent too soon would be refused as well: the views say so instead of calling it wrong.
    """
    now = timezone.now()
    waits = [
        (details["locked_until"] - now).total_seconds()
        for allowed, details in (device.verify_is_allowed() for device in devices)
        if not allowed and details and "locked_until" in details
    ]
    return max(1, math.ceil(max(waits))) if waits else 0


def throttled_message(seconds):
    return ngettext(
        "A wrong code was entered just before, so codes are checked again only after a pause. "
        "Try again in %(seconds)d second, with the code your app shows then.",
        "A wrong code was entered just before, so codes are checked again only after a pause. "
        "Try again in %(seconds)d seconds, with the code your app shows then.",
        seconds,
    ) % {"seconds": seconds}


class TwoFactorView(View):
    admin_site = admin.site
    template_name = None
    title = None

    def next_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        allowed = url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return target if allowed else reverse("admin:index")

    def render(self, **context):
        context = {
            **self.admin_site.each_context(self.request),
            "title": self.title,
            "next": self.next_url(),
            **context,
        }
        return TemplateResponse(self.request, self.template_name, context)


class TwoFactorVerifyView(TwoFactorView):
    """The second step of a login for staff with an authenticator: a code from it, or a backup code."""

    template_name = "partners/admin/two_factor_verify.html"
    title = _("Confirm your login")

    def get(self, request):
        return self.render(form=TokenForm())

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            wait = throttled_seconds(devices_for_user(request.user))
            if wait:
                form.add_error("token", throttled_message(wait))
                return self.render(form=form)
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                return redirect(self.next_url())
            form.add_error("token", gettext("This code is wrong or has expired. Try the current one."))
        return self.render(form=form)


class TwoFactorSetupView(TwoFactorView):
    """Pairs an authenticator app with the account (QR code or key), then shows backup codes once."""

    template_name = "partners/admin/two_factor_setup.html"
    title = _("Set up your authenticator app")

    def context_for(self, device, form):
        return {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": b32encode(device.bin_key).decode().rstrip("="),
        }

    def get(self, request):
        return self.render(**self.context_for(services.totp_device_for_setup(request.user), TokenForm()))

    def post(self, request):
        device = services.totp_device_for_setup(request.user)
        form = TokenForm(request.POST)
        if form.is_valid():
            wait = throttled_seconds([device])
            if wait:
                form.add_error("token", throttled_message(wait))
                return self.render(**self.context_for(device, form))
            codes = services.totp_confirm(device=device, token=form.cleaned_data["token"])
            if codes is not None:
                otp_login(request, device)
                self.template_name = "partners/admin/two_factor_backup_codes.html"
                return self.render(codes=codes, title=gettext("Keep your backup codes"))
            form.add_error("token", gettext("This code does not match. Check the time on your phone and try again."))
        return self.render(**self.context_for(device, form))
