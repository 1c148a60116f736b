"""Requests no page of the portal can answer: refused at the door with a plain 400."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext


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
            return HttpResponseBadRequest(
                gettext("The request holds a NUL character, which no text on this site can contain."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
