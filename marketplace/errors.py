"""The one way a service refuses a single field: ``field_error("amount", MESSAGE, "too_small")``
is ``ValidationError({"amount": ValidationError(MESSAGE, code="too_small")})``, which forms
show beside the field and the API returns as ``{"amount": ["…"]}`` with the code beside it
(STYLE 14: errors carry codes)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def field_error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})
