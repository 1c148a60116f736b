"""Admin pages of staff accounts that are not a model's pages: password setting and one-time passwords."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import login as otp_login
from django_otp import match_token

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
            codes = services.totp_confirm(device=device, token=form.cleaned_data["token"])
            if codes is not None:
                otp_login(request, device)
                self.template_name = "partners/admin/two_factor_backup_codes.html"
                return self.render(codes=codes, title=gettext("Keep your backup codes"))
            form.add_error("token", gettext("This code does not match. Check the time on your phone and try again."))
        return self.render(**self.context_for(device, form))
