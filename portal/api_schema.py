"""The OpenAPI schema of `/api/v1/` (drf-spectacular), completed for every operation with what the plumbing of
`groundwork.api` answers besides the data: problem documents (RFC 9457) for 400, 404, 406 and 429, `304 Not
Modified`, the validators and links in the headers, and OpenAPI links from each list to its objects (which a
client, or a stateful contract test, follows).

Apart from `portal.api`: Django REST framework reads the schema class from its settings while its views are
defined, so this module must not import the views.
"""

from django.conf import settings
from drf_spectacular.openapi import AutoSchema

from groundwork.opendata import MAX_ID, PROBLEM_CONTENT_TYPE, licence

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "A problem document (RFC 9457).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For 400: the messages for each parameter that is not valid.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

ERROR_DESCRIPTIONS = {
    "400": "A parameter is not valid; `errors` names it.",
    "404": "No such object, or no such page of the list.",
    "406": "The client accepts no JSON.",
    "429": "Too many requests from this address; `Retry-After` says how many seconds to wait.",
}


class OpenDataAutoSchema(AutoSchema):
    """Operation ids and tags from the resource names (`events_list`, `events_retrieve`)."""

    def get_tags(self):
        return [self.path.split("/")[3]]


def _header(description, schema=None):
    return {"description": description, "schema": schema or {"type": "string"}}


def postprocess_schema(result, generator, request, public):
    """Add the shared error answers, conditional requests, headers and links to every operation."""
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["Licence"] = {
        "type": "object",
        "description": "The licence of the data.",
        "required": ["name", "url"],
        "properties": {"name": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
        "example": licence(),
    }
    problem = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    data_headers = {
        "ETag": _header("Changes whenever the data of the answer may have changed."),
        "Last-Modified": _header("The latest change to the data the answer is drawn from."),
        "Link": _header('The data licence (`rel="license"`) and, in a list, the next and previous pages.'),
        "Cache-Control": _header("How long the answer may be kept before asking again."),
    }
    header_parameters = [
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "The ETag of an answer already held: `304 Not Modified` while it is current.",
            "schema": {"type": "string"},
        },
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "description": (
                "The language of the error messages: "
                + ", ".join(f"`{code}`" for code, _name in settings.LANGUAGES)
                + f" (`{settings.LANGUAGE_CODE}` without one). The data holds every language whatever is asked; "
                "the answers vary on this header alone (no cookie is read)."
            ),
            "schema": {"type": "string"},
        },
    ]
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method != "get":
                continue
            operation.setdefault("parameters", []).extend(header_parameters)
            for parameter in operation["parameters"]:
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
            responses = operation["responses"]
            responses["200"]["headers"] = data_headers
            responses["304"] = {"description": "Not modified: the answer held under `If-None-Match` is current."}
            codes = ("400", "404", "406", "429")
            for code in codes:
                response = {"description": ERROR_DESCRIPTIONS[code], "content": problem}
                if code == "429":
                    response["headers"] = {"Retry-After": _header("Seconds to wait.", {"type": "integer"})}
                responses[code] = response
            operation_id = operation["operationId"]
            if operation_id.endswith("_list"):
                resource = operation_id.removesuffix("_list")
                responses["200"]["links"] = {
                    f"{resource}_retrieve": {
                        "operationId": f"{resource}_retrieve",
                        "parameters": {"id": "$response.body#/results/0/id"},
                        "description": "The first object of the page.",
                    }
                }
    return result
