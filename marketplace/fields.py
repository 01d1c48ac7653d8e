"""The one way money, units, rates and NAV enter (and leave) the API: a decimal as a JSON string.

DESIGN §7: money and units are JSON strings holding decimals (``"10000.00"``). A JSON number
is refused rather than guessed at (a client's float may already have lost the cents, and a
huge one overflows), and so are ``null`` (unless the field allows it), booleans, lists,
objects, exponents (``"1e999999"``), ``NaN`` and ``Infinity``: each is a 400 naming the field,
never a 500. The OpenAPI schema of each field carries the exact pattern it accepts, so that a
client generated from it (or a fuzzer) sends what the server takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .money import decimal_places

DECIMAL_NOT_A_STRING = _('Send this value as a decimal string, e.g. "1000.50".')
DECIMAL_INVALID = _('Enter a decimal number, e.g. "1000.50".')
DECIMAL_TOO_PRECISE = _("Use at most {places} decimal places.")
DECIMAL_TOO_LARGE = _("Enter at most {maximum:,}.")
DECIMAL_TOO_SMALL = _("Enter at least {minimum}.")
DECIMAL_NOT_POSITIVE = _("Enter a value above zero.")
# ``messages=`` keys, as in marketplace.money.AMOUNT_MESSAGES / UNITS_MESSAGES
_MESSAGE_CODES = {
    "not_number": "invalid",
    "not_positive": "not_positive",
    "too_precise": "too_precise",
    "too_large": "too_large",
}

# ASCII digits, an optional fraction and exponent ("1e999999" is read, then judged too large,
# never expanded); no "NaN", "Infinity", underscores or other scripts' digits.
_SHAPE = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,12})?$")
_MAX_TEXT = 100


def _integers_below(limit: int, *, positive: bool) -> list[str]:
    """Regex alternatives for the integers ``0 <= n < limit`` (``1 <=`` when ``positive``),
    written without leading zeros."""
    text = str(limit)
    width = len(text)
    alternatives = []
    if width > 1:
        alternatives += ([] if positive else ["0"]) + ["[1-9]"]
        alternatives += [f"[1-9][0-9]{{{k - 1}}}" for k in range(2, width)]
    for i, char in enumerate(text):
        low = 1 if (i == 0 and (width > 1 or positive)) else 0
        high = int(char) - 1
        if high < low:
            continue
        rest = width - i - 1
        alternatives.append(text[:i] + f"[{low}-{high}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return alternatives


def decimal_pattern(*, places: int, maximum: int, positive: bool) -> str:
    """The exact shape of a decimal string ``0 <= value <= maximum`` (``0 <`` when
    ``positive``) with at most ``places`` decimals, without look-arounds."""
    fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
    alternatives = []
    below = _integers_below(maximum, positive=positive)
    if below:
        alternatives.append(f"(?:{'|'.join(below)}){fraction}")
    alternatives.append(str(maximum) + (rf"(?:\.0{{1,{places}}})?" if places else ""))
    if positive and places:
        tails = [
            "0" * k + "[1-9]" + (f"[0-9]{{0,{places - k - 1}}}" if places - k - 1 else "")
            for k in range(places)
        ]
        alternatives.append(rf"0\.(?:{'|'.join(tails)})")
    return "^(?:" + "|".join(alternatives) + ")$"


class DecimalStringField(serializers.Field):
    """A non-negative decimal written as a JSON string: ``places`` decimals at most, between
    ``minimum`` (0 unless given) and ``maximum``; ``positive`` refuses zero. Returns a
    ``Decimal`` exactly as written (the service rounds, if anything)."""

    default_error_messages = {
        "not_a_string": DECIMAL_NOT_A_STRING,
        "invalid": DECIMAL_INVALID,
        "too_precise": DECIMAL_TOO_PRECISE,
        "too_large": DECIMAL_TOO_LARGE,
        "too_small": DECIMAL_TOO_SMALL,
        "not_positive": DECIMAL_NOT_POSITIVE,
    }

    def __init__(
        self,
        *,
        places: int,
        maximum: Decimal | int | Callable[[], Decimal],
        minimum: Decimal | int | None = None,
        positive: bool = False,
        messages: dict[str, str] | None = None,
        **kwargs,
    ):
        self.places = places
        self._maximum = maximum
        self.minimum = None if minimum is None else Decimal(minimum)
        self.positive = positive
        super().__init__(**kwargs)
        for key, message in (messages or {}).items():
            self.error_messages[_MESSAGE_CODES[key]] = message

    @property
    def maximum(self) -> Decimal:
        """The upper limit (a callable is read each time, so it can follow a setting)."""
        return Decimal(self._maximum() if callable(self._maximum) else self._maximum)

    @property
    def pattern(self) -> str:
        return decimal_pattern(
            places=self.places, maximum=int(self.maximum), positive=self.positive
        )

    def to_internal_value(self, data) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_a_string")
        text = data.strip()
        if len(text) > _MAX_TEXT or not _SHAPE.match(text):
            self.fail("invalid")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the shape check admits only decimals
            self.fail("invalid")
        if decimal_places(value) > self.places:
            self.fail("too_precise", places=self.places)
        if self.positive and value <= 0:
            self.fail("not_positive")
        if value < (self.minimum if self.minimum is not None else 0):
            self.fail("too_small", minimum=self.minimum or 0)
        if value > self.maximum:
            self.fail("too_large", maximum=self.maximum)
        return value

    def to_representation(self, value) -> str:
        return f"{Decimal(value):f}"


def _schema(field: DecimalStringField) -> dict:
    description = f"A decimal string with at most {field.places} decimal places"
    description += f", at most {field.maximum:f}"
    if field.positive:
        description += ", above zero"
    return {
        "type": "string",
        "format": "decimal",
        "pattern": field.pattern,
        "example": "1000.00" if field.places >= 2 else "1000",
        "description": description + ".",
    }


class DecimalStringFieldSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular: each field's own pattern and limits."""

    target_class = DecimalStringField

    def map_serializer_field(self, auto_schema, direction):
        return _schema(self.target)


class WholeNumberField(serializers.IntegerField):
    """An integer field that takes a JSON integer or a string of ASCII digits only.

    DRF's ``IntegerField`` runs ``int(str(value))``, and Python's ``int`` reads any Unicode
    digits: ``"１０"`` (full-width) or ``"١٠"`` (Arabic-Indic) would be taken as 10 in silence.
    Those, and anything but ``[+-]?[0-9]+`` in a string, are the field's usual "invalid" 400.
    """

    _ASCII_INTEGER = re.compile(r"^[+-]?[0-9]+$")

    def to_internal_value(self, data):
        if isinstance(data, str) and not self._ASCII_INTEGER.match(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)
