"""The portal's own middleware: requests no page can answer, refused at the door with a plain 400, and the language
of a request to the open data API, which no cookie chooses."""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header

from .opendata import is_api, problem_response_json


def request_language(request):
    """The language the portal answers `request` in, which the locale middleware activates and the page cache keys
    its copy by: a page's is the one in its path (else the language cookie or Accept-Language, as Django reads them).
    The API's is its Accept-Language alone, the one request header its answers vary on: read from a cookie, one
    visitor's language would reach the next through the proxy or any other shared cache."""
    if not is_api(request):
        return translation.get_language_from_request(request, check_path=True)
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class RequestLanguageMiddleware(LocaleMiddleware):
    """Django's locale middleware (language prefixes, `Vary`, `Content-Language`), with the language of
    `request_language`."""

    def process_request(self, request):
        if not is_api(request):
            return super().process_request(request)
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        return None


def holds_nul(request):
    """True when the path, a query value or a form value holds a NUL character (uploaded files aside)."""
    if "\x00" in request.path_info:
        return True
    parameters = [request.GET]
    if request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        parameters.append(request.POST)
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for query in parameters
        for key, values in query.lists()
    )


class RefuseNulCharactersMiddleware:
    """No text the portal keeps or searches can hold a NUL character: PostgreSQL refuses it in any string, and the
    error would surface as a server error wherever a value reaches a query without a form's check (admin filters,
    autocomplete, ids in URLs). Such a request is answered 400 before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_nul(request):
            message = gettext("The request holds a NUL character, which no text on this site can contain.")
            if is_api(request):
                # The open data API answers every error as a problem document (RFC 9457).
                return problem_response_json(request, 400, message)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
