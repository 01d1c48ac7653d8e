"""Form fields shared by every app: money (and units) typed the way people write them, and
percentages that the domain stores as fractions."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .money import AMOUNT_MAX_DIGITS, AMOUNT_MESSAGES, decimal_places

# "1000", "1,000", "1,000.50", "12,345,678.9" (groups of exactly three after the first);
# "1,00", "1.2.3", ",100", "1,,000" are not numbers anyone means.
_GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
GROUPING_INVALID = _("Enter an amount like 1000, 1,000 or 1,000.50.")


def strip_grouping(text: str) -> str:
    """``"1,000.50"`` → ``"1000.50"``; a comma anywhere but between groups of three raises
    ``forms.ValidationError`` (code ``invalid``); text without commas is returned as it is."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," not in text:
        return text
    if not _GROUPED.match(text):
        raise forms.ValidationError(GROUPING_INVALID, code="invalid")
    return text.replace(",", "")


def refuse_unicode_digits(text: str, message) -> None:
    """Python's ``Decimal`` reads any Unicode digits: ``"１０"`` (full-width) would be taken as
    10 in silence. A number on a form is ASCII digits (the API's rule too, DESIGN §5)."""
    if not text.isascii():
        raise forms.ValidationError(message, code="invalid")


class MoneyField(forms.DecimalField):
    """An amount in CNY (2 dp) on every money form: accepts thousands separators, shows a text
    box (a number box would refuse "1,000" in the browser), and with ``positive=True`` refuses
    zero. Pass ``messages=UNITS_MESSAGES`` for fund units."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, *, positive: bool = False, messages: dict | None = None, **kwargs):
        messages = messages or AMOUNT_MESSAGES
        kwargs.setdefault("max_digits", AMOUNT_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        error_messages = {
            "invalid": messages["not_number"],
            "max_decimal_places": messages["too_precise"],
            **kwargs.pop("error_messages", {}),
        }
        self.positive = positive
        self.not_positive = messages["not_positive"]
        super().__init__(error_messages=error_messages, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            refuse_unicode_digits(value, self.error_messages["invalid"])
            value = strip_grouping(value)
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if self.positive and value is not None and value <= 0:
            raise forms.ValidationError(self.not_positive, code="not_positive")

    def prepare_value(self, value):
        return f"{value:f}" if isinstance(value, Decimal) else value


class PercentField(forms.DecimalField):
    """People type percentages ("1.5"); the domain stores fractions (0.015)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            refuse_unicode_digits(value, self.error_messages["invalid"])
        return super().to_python(value)

    def clean(self, value):
        cleaned = super().clean(value)
        return None if cleaned is None else cleaned / 100

    def prepare_value(self, value):
        if isinstance(value, Decimal) and not isinstance(self.widget, forms.HiddenInput):
            percent = (value * 100).normalize()
            return f"{percent:.2f}" if decimal_places(percent) <= 2 else f"{percent:f}"
        return value


class WholeNumberField(forms.IntegerField):
    """An integer typed in ASCII digits: Django's ``IntegerField`` runs ``int()``, which reads
    ``"１０"`` (full-width) as 10 in silence; here that is the field's usual "invalid" error."""

    def to_python(self, value):
        if isinstance(value, str):
            refuse_unicode_digits(value, self.error_messages["invalid"])
        return super().to_python(value)


class AsciiDecimalField(forms.DecimalField):
    """A decimal typed in ASCII digits (``Decimal("１０")`` is 10 too); otherwise Django's."""

    def to_python(self, value):
        if isinstance(value, str):
            refuse_unicode_digits(value, self.error_messages["invalid"])
        return super().to_python(value)
