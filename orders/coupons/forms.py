"""Coupon forms: shape only (the service judges kinds, ranges, products and codes)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings

from marketplace.forms import MoneyField
from marketplace.validators import plain_text

from .models import CouponKind


class _Percent(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(
            max_digits=5,
            decimal_places=2,
            min_value=Decimal(0),
            max_value=Decimal(100),
            required=False,
            **kwargs,
        )


class CouponForm(forms.Form):
    kind = forms.ChoiceField(choices=CouponKind.choices)
    name = forms.CharField(max_length=120, required=False, validators=[plain_text])
    code = forms.RegexField(
        r"^[A-Za-z0-9_-]{3,32}$",
        max_length=32,
        required=False,
        help_text="Investors type it at checkout or claim it on their coupons page. Leave it "
        "empty for a coupon you grant to chosen investors only.",
        error_messages={"invalid": "A code has 3 to 32 letters, digits, - or _ (no spaces)."},
    )
    percent_off = _Percent(label="Percent off the fee", help_text="Fee discount: e.g. 50.")
    amount_off = MoneyField(
        positive=True,
        required=False,
        label="Amount off the fee (CNY)",
        help_text="Fee voucher: never takes the fee below zero.",
    )
    min_purchase = MoneyField(required=False, label="Minimum purchase (CNY)")
    rate_share = _Percent(label="Share of the list fee (%)", help_text="Fee-rate card: e.g. 10.")
    per_user_limit = forms.IntegerField(
        min_value=1,
        max_value=1000,
        initial=1,
        label="Uses per investor",
        help_text="A card: its next N purchases.",
    )
    valid_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    max_count = forms.IntegerField(min_value=1, max_value=10_000_000, label="Total count")
    budget = MoneyField(positive=True, label="Total budget (CNY)")

    def __init__(self, *args, product_choices=(), product_text=False, **kwargs):
        super().__init__(*args, **kwargs)
        if product_text:  # staff: any fund by slug, empty = every fund
            self.fields["products"] = forms.CharField(
                required=False,
                max_length=2000,
                label="Fund slugs",
                help_text="Separated by spaces or commas; empty: every fund of every institution.",
            )
        else:
            self.fields["products"] = forms.MultipleChoiceField(
                choices=product_choices,
                widget=forms.CheckboxSelectMultiple,
                label="Eligible funds",
            )
        self.fields["budget"].max_value = settings.MAX_ORDER_AMOUNT

    def clean_budget(self):
        value = self.cleaned_data["budget"]
        if value is not None and value > settings.MAX_ORDER_AMOUNT:
            raise forms.ValidationError(f"At most {settings.MAX_ORDER_AMOUNT:,}.")
        return value

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        products = data.pop("products", [])
        if isinstance(products, str):
            products = [s for s in products.replace(",", " ").split() if s]
        data["products"] = products
        data["min_purchase"] = data.get("min_purchase") or Decimal(0)
        return data


class GrantForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        help_text="One address per line (or separated by commas). Only your customers: "
        "investors with a confirmed order of yours.",
    )


class ClaimForm(forms.Form):
    code = forms.CharField(max_length=32, label="Coupon code")
