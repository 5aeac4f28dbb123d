"""OpenAPI generation: document the error answers and the CSV body of lists.

drf-spectacular documents the success answer only; a client (and
schemathesis) also needs to know that a bad filter gives 400, a missing
login 401/403, a throttled caller 429, and a delete that would orphan
history 409 — each with a JSON body of messages.
"""

from drf_spectacular import openapi

ERROR_SCHEMA = {
    "type": "object",
    "description": (
        'Messages: {"detail": "…"} for the request as a whole, or field name → list of messages '
        '("non_field_errors" for the record as a whole).'
    ),
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid filter value, page size or submitted data; the body names each field.",
    "401": "Credentials were given but are not valid, or a write was attempted without them.",
    "403": "The caller may not do this (writing needs the Coordinators group).",
    "404": "No such record visible to the caller, or no such page.",
    "409": "The record cannot be deleted while other records depend on it.",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for response in responses.values():
            content = response.get("content", {})
            if "text/csv" in content:
                content["text/csv"] = {"schema": {"type": "string", "description": "The same rows as CSV."}}
        for code, description in ERRORS.items():
            if code == "409" and self.method != "DELETE":
                continue
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            )
        return responses
