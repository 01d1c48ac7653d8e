"""The OpenAPI schema says exactly what the API takes and answers (drf-spectacular).

:class:`AutoSchema` (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``) adds what drf-spectacular
cannot infer by itself, for every operation at once:

- the error answers each operation can give, with their bodies: 400 (DRF's
  ``{"field": ["message"]}``, nested for nested fields) where a body or a query is read, 401
  and 403 where a sign-in is needed, 404 where a path names an object, a page is chosen or a
  portal institution is resolved, and 429 where the view is throttled;
- for text sent to the API, the pattern the server enforces: never a NUL character, not only
  whitespace unless blank is allowed, and, for fields checked as plain text
  (:data:`marketplace.validators.plain_text`), no markup and no control characters.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, serializers

from .validators import PlainTextValidator

ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "DRF's error for the request as a whole.",
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        'Field name → list of messages, e.g. {"amount": ["The amount must be more than '
        'zero."]}; nested fields nest (lists by index); "non_field_errors" for the request as '
        'a whole, "detail" for a body that is not JSON.'
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "object"},
            {"type": "string"},
        ]
    },
}

_NUL_FREE = "[^\\x00]"
_PLAIN = "[^<>\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
_PLAIN_VISIBLE = "[^\\s<>\\x00-\\x1f\\x7f]"


def text_pattern(*, plain: bool, allow_blank: bool) -> str:
    """The shape the server takes for a text field (DRF strips surrounding whitespace first)."""
    char = _PLAIN if plain else _NUL_FREE
    if allow_blank:
        return f"^{char}*$"
    visible = _PLAIN_VISIBLE if plain else "[^\\s\\x00]"
    return f"^{char}*{visible}{char}*$"


def _model_field_may_be_blank(field) -> bool:
    """A serializer field reading a text column that may hold "" (``blank=True``)."""
    meta = getattr(getattr(field, "parent", None), "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source or source == "*":
        return False
    try:
        model_field = model._meta.get_field(source)
    except FieldDoesNotExist:
        return False
    return bool(getattr(model_field, "blank", False)) and isinstance(
        model_field, models.CharField | models.TextField
    )


INSTITUTION_HEADER = OpenApiParameter(
    name="X-Institution",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The slug of the institution to act for; needed only by members of several "
        "institutions. An institution you are not a member of is a 404."
    ),
)


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            direction == "request"
            and type(field) in (serializers.CharField,)
            and schema.get("type") == "string"
            and "pattern" not in schema
            and "format" not in schema
            and "enum" not in schema
        ):
            plain = any(isinstance(v, PlainTextValidator) for v in field.validators)
            schema["pattern"] = text_pattern(plain=plain, allow_blank=field.allow_blank)
        if (
            direction == "request"
            and isinstance(field, serializers.ListField)
            and not field.allow_empty
            and schema.get("type") == "array"
        ):
            schema.setdefault("minItems", 1)
        if direction == "response" and _model_field_may_be_blank(field):
            constrained = {"enum", "format", "pattern", "minLength"} & set(schema)
            if constrained:
                read_only = schema.pop("readOnly", None)
                schema = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
                if read_only:
                    schema["readOnly"] = True
        return schema

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if body and self.method in ("POST", "PUT"):
            body["required"] = True  # an empty body is never a valid creation
        return body

    # --- error answers -------------------------------------------------------------------

    def _error_response(self, name: str, schema: dict, description: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return {
            "description": description,
            "content": {"application/json": {"schema": component.ref}},
        }

    def _needs_sign_in(self) -> bool:
        return not all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _tenant_scoped(self) -> bool:
        return hasattr(self.view, "tenant_field")

    def get_override_parameters(self):
        """Portal operations act for the member's only institution, or the one an
        ``X-Institution`` header names (institutions.tenancy)."""
        parameters = list(super().get_override_parameters())
        if self._tenant_scoped():
            parameters.append(INSTITUTION_HEADER)
        return parameters

    def _reads_input(self) -> bool:
        if self.method in ("POST", "PUT", "PATCH"):
            return True
        # The X-Institution header alone reads no input: a wrong one is a 404.
        others = [p for p in self.get_override_parameters() if p is not INSTITUTION_HEADER]
        return bool(self._get_filter_parameters()) or bool(others)

    def _may_not_find(self) -> bool:
        paginated = self._get_paginator() is not None and self._is_list_view()
        # Portal views resolve the institution first: no membership (or a wrong
        # X-Institution) is a 404, like an object of another tenant.
        return "{" in self.path or paginated or self._tenant_scoped()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {}
        if self._reads_input():
            errors["400"] = self._error_response(
                "ValidationError", VALIDATION_ERROR, "The request was refused; see the messages."
            )
        if self._needs_sign_in():
            errors["401"] = self._error_response(
                "ErrorDetail", ERROR_DETAIL, "Not signed in (send X-Session-Token)."
            )
            errors["403"] = self._error_response(
                "ErrorDetail", ERROR_DETAIL, "Signed in, but not allowed to do this."
            )
        if self._may_not_find():
            errors["404"] = self._error_response(
                "ErrorDetail", ERROR_DETAIL, "No such object (or page) for this user."
            )
        if self.view.get_throttles():
            errors["429"] = self._error_response(
                "ErrorDetail", ERROR_DETAIL, "Too many requests: retry after Retry-After seconds."
            )
        for code, response in errors.items():
            responses.setdefault(code, response)
        return responses
