"""The portal's error pages (`handler400`, `handler403`, `handler404`, `handler500`, `CSRF_FAILURE_VIEW`), in the
visitor's language.

Under /api/ an error is a problem document (RFC 9457), like the API's own answers. A page of the admin answers in
the admin's frame (`templates/admin/<status>.html`: its header, the staff's links and the way back to the admin's
start page); every other page in the site's layout (`templates/<status>.html`). The 500 page is the site's
everywhere: Django renders it without a request and without the database, which may be what failed.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults

from groundwork.opendata import NOT_FOUND_DETAIL, is_api, problem_response_json


def in_admin(request):
    """Whether the request was routed to a page of the admin site (its change lists and forms, its own views)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and admin.site.name in match.namespaces


def error_page(request, status, title, template, **context):
    """The error page `template` (`403.html`, say) with `status`: the admin's variant for a page of the admin."""
    if in_admin(request):
        context = {**admin.site.each_context(request), **context}
        template = f"admin/{template}"
    return render(request, template, {"title": title, **context}, status=status)


def bad_request(request, exception):
    if is_api(request):
        return problem_response_json(request, 400, gettext("The request could not be read."))
    # A change list filtered by a field it does not offer: the way back is the same list without the query.
    list_url = request.path if isinstance(exception, DisallowedModelAdminLookup) else None
    return error_page(request, 400, gettext("The request could not be read"), "400.html", list_url=list_url)


def permission_denied(request, exception):
    if is_api(request):
        return problem_response_json(request, 403, gettext("This address is not open to you."))
    return error_page(request, 403, gettext("No access"), "403.html")


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (Django logs the reason): what to do about it, in the visitor's language."""
    return error_page(request, 403, gettext("The form could not be sent"), "403_csrf.html")


def page_not_found(request, exception):
    if is_api(request):
        return problem_response_json(request, 404, gettext(NOT_FOUND_DETAIL))
    return error_page(request, 404, gettext("Page not found"), "404.html")


def server_error(request):
    if is_api(request):
        return problem_response_json(request, 500, gettext("The server failed to answer; please try again later."))
    return defaults.server_error(request)
