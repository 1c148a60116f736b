"""Previews of unpublished pages on the public site, for the staff whose admin scope includes them.

A librarian's "View on site" on a draft event, a pending initiative, an unpublished guide or a draft strategy opens
its public page; nobody else sees it, a librarian of another library included. The rule is the admin's, taken from
the model's registered admin: its view permission and its organisation scope (`OrganisationScopedAdminMixin`), and
only after both steps of the login (`two_factor.is_verified_staff`): a password alone shows no draft.
"""

from django.contrib import admin
from django.http import Http404
from django.utils.cache import add_never_cache_headers

from .admin import OrganisationScopedAdminMixin
from .two_factor import is_verified_staff


def preview_queryset(request, queryset):
    """The rows of `queryset` the person may preview: what the model's admin would show her, else none."""
    if not is_verified_staff(request.user):
        return queryset.none()
    model_admin = admin.site._registry.get(queryset.model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return queryset.none()
    if isinstance(model_admin, OrganisationScopedAdminMixin):
        return model_admin.scope_queryset(request, queryset)
    return queryset


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
        obj = super().get_object(preview_queryset(self.request, self.get_preview_queryset()))
        self.is_preview = True
        return obj

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if self.is_preview:
            add_never_cache_headers(response)
        return response
