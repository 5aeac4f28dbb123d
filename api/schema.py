"""OpenAPI generation: document the error answers and the CSV body of lists.

drf-spectacular documents the success answer only; a client (and
schemathesis) also needs to know that a bad filter or an unknown parameter
gives 400, a missing login 401/403, an unknown format 406, a throttled caller
429, and a delete that would orphan history 409 — each with a JSON body of
messages.
"""

from drf_spectacular import openapi
from rest_framework.permissions import SAFE_METHODS

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Messages: {"detail": "…"} for the request as a whole, or field name → list of messages '
        '("non_field_errors" for the record as a whole).'
    ),
    "additionalProperties": True,
}

ERRORS = {
    "400": (
        "Invalid filter value, page size or submitted data, an empty or repeated parameter, or a parameter "
        "this address does not take (the message lists those it does); the body names each field or parameter."
    ),
    "401": "Credentials were given but are not valid, or a write was attempted without them.",
    "403": "The caller may not do this (writing needs the Coordinators group).",
    "404": "No such record visible to the caller, or no such page.",
    "406": "The `format` asked for is not one this address answers in (the message lists them).",
    "409": "The record cannot be deleted while other records depend on it.",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Anyone may read (what they see depends on who they are); writing needs a coordinator.
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        pattern = getattr(self.view, "lookup_value_regex", None)
        for parameter in parameters:
            if parameter["name"] == getattr(self.view, "lookup_field", None) and pattern:
                parameter["schema"]["pattern"] = f"^{pattern}$"
        return parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter["in"] != "query":
                continue
            # An empty value is refused (400): say so, for free text and slugs alike.
            schema = parameter["schema"]
            target = schema.get("items", schema) if schema.get("type") == "array" else schema
            if target.get("type") == "string" and "enum" not in target and "format" not in target:
                target["minLength"] = 1
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": {"type": "string", "description": "The same rows as CSV."}}
        for code, description in ERRORS.items():
            if (code == "409" and self.method != "DELETE") or (code == "406" and self.method != "GET"):
                continue
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            )
        return responses
