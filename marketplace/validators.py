"""Validators shared by every app's text fields."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MARKUP = _("Plain text only: remove the < and > characters (HTML is not allowed).")
CONTROL = _("Remove the invisible control characters from this text.")

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@deconstructible
class PlainTextValidator:
    """Refuses markup and control characters; any other Unicode is welcome."""

    def __call__(self, value: str) -> None:
        if "<" in value or ">" in value:
            raise ValidationError(MARKUP, code="markup")
        if _CONTROL_CHARS.search(value):
            raise ValidationError(CONTROL, code="control")

    def __eq__(self, other) -> bool:
        return isinstance(other, PlainTextValidator)


plain_text = PlainTextValidator()
