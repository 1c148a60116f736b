"""Previews of unpublished pages on the public site, for the staff whose admin scope includes them.

A librarian's "View on site" on a draft event, a pending initiative, an unpublished guide or a draft strategy opens
its public page; nobody else sees it, a librarian of another library included. The rule is the admin's, taken from
the model's registered admin: its view permission and its organisation scope (`OrganisationScopedAdminMixin`), and
only after both steps of the login (`two_factor.is_verified_staff`): a password alone shows no draft. Staff who would
see it but have not given a one-time password in this session are sent to the step they lack (setting up an
authenticator app, or giving its code) with a message saying why, and come back to the page once it is done;
anyone else still gets a 404, which says nothing about whether the page exists.
"""

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext
from django_otp import user_has_device

from .admin import OrganisationScopedAdminMixin
from .two_factor import is_verified_staff


def previewable_rows(request, queryset):
    """The rows of `queryset` the person's admin would show her (its view permission and organisation scope), else
    none; whether she passed both steps of the login is not asked here."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return queryset.none()
    model_admin = admin.site._registry.get(queryset.model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return queryset.none()
    if isinstance(model_admin, OrganisationScopedAdminMixin):
        return model_admin.scope_queryset(request, queryset)
    return queryset


def preview_queryset(request, queryset):
    """The rows of `queryset` the person may preview: what the model's admin would show her, after both steps of the
    login; else none."""
    if not is_verified_staff(request.user):
        return queryset.none()
    return previewable_rows(request, queryset)


class TwoStepLoginOwed(Exception):
    """The person would see the preview once she has given a one-time password in this session."""


def redirect_to_two_step_login(request):
    """To the two-step login step the person lacks, with a message saying why, and back to this page once done."""
    if user_has_device(request.user):
        step = "admin:partners_two_factor_verify"
        why = gettext(
            "This page is not published yet. Unpublished pages are shown to staff only after both steps of the "
            "login: enter the code from your authenticator app, and the page opens."
        )
    else:
        step = "admin:partners_two_factor_setup"
        why = gettext(
            "This page is not published yet. Unpublished pages are shown to staff only after both steps of the "
            "login, and your account has no authenticator app yet: set one up here, and the page opens."
        )
    messages.warning(request, why)
    response = redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
    add_never_cache_headers(response)
    return response


class StaffPreviewMixin:
    """For a public detail view: `get_queryset()` is what the public sees; staff also see the other rows of
    `get_preview_queryset()` that `preview_queryset()` lets through. A preview is never stored by any cache."""

    is_preview = False

    def get_preview_queryset(self):
        raise NotImplementedError

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            if queryset is not None or not self.request.user.is_authenticated:
                raise
        obj = super().get_object(previewable_rows(self.request, self.get_preview_queryset()))
        if not is_verified_staff(self.request.user):
            raise TwoStepLoginOwed
        self.is_preview = True
        return obj

    def dispatch(self, request, *args, **kwargs):
        try:
            response = super().dispatch(request, *args, **kwargs)
        except TwoStepLoginOwed:
            return redirect_to_two_step_login(request)
        if self.is_preview:
            add_never_cache_headers(response)
        return response
