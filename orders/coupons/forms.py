"""Coupon forms: shape only (the service judges kinds, ranges, products and codes)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.forms import AsciiDecimalField, MoneyField, WholeNumberField
from marketplace.money import format_amount
from marketplace.validators import plain_text

from .models import CouponKind


class _Percent(AsciiDecimalField):  # "１０" is not 10 percent
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
    kind = forms.ChoiceField(label=_("Kind"), choices=CouponKind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, required=False, validators=[plain_text])
    code = forms.RegexField(
        r"^[A-Za-z0-9_-]{3,32}$",
        max_length=32,
        required=False,
        label=_("Code"),
        help_text=_(
            "Investors type it at checkout or claim it on their coupons page. Leave it "
            "empty for a coupon you grant to chosen investors only."
        ),
        error_messages={"invalid": _("A code has 3 to 32 letters, digits, - or _ (no spaces).")},
    )
    percent_off = _Percent(label=_("Percent off the fee"), help_text=_("Fee discount: e.g. 50."))
    amount_off = MoneyField(
        positive=True,
        required=False,
        label=_("Amount off the fee (CNY)"),
        help_text=_("Fee voucher: never takes the fee below zero."),
    )
    min_purchase = MoneyField(required=False, label=_("Minimum purchase (CNY)"))
    rate_share = _Percent(
        label=_("Share of the list fee (%)"), help_text=_("Fee-rate card: e.g. 10.")
    )
    per_user_limit = WholeNumberField(
        min_value=1,
        max_value=1000,
        initial=1,
        label=_("Uses per investor"),
        help_text=_("A card: its next N purchases."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    max_count = WholeNumberField(min_value=1, max_value=10_000_000, label=_("Total count"))
    budget = MoneyField(positive=True, label=_("Total budget (CNY)"))

    def __init__(self, *args, product_choices=(), product_text=False, **kwargs):
        super().__init__(*args, **kwargs)
        if product_text:  # staff: any fund by slug, empty = every fund
            self.fields["products"] = forms.CharField(
                required=False,
                max_length=2000,
                label=_("Fund slugs"),
                help_text=_(
                    "Separated by spaces or commas; empty: every fund of every institution."
                ),
            )
        else:
            self.fields["products"] = forms.MultipleChoiceField(
                choices=product_choices,
                widget=forms.CheckboxSelectMultiple,
                label=_("Eligible funds"),
            )
        self.fields["budget"].max_value = settings.MAX_ORDER_AMOUNT

    def clean_budget(self):
        value = self.cleaned_data["budget"]
        if value is not None and value > settings.MAX_ORDER_AMOUNT:
            raise forms.ValidationError(
                _("At most %(maximum)s.") % {"maximum": format_amount(settings.MAX_ORDER_AMOUNT, 0)}
            )
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
        label=_("Emails"),
        help_text=_(
            "One address per line (or separated by commas). Only your customers: "
            "investors with a confirmed order of yours."
        ),
    )


class ClaimForm(forms.Form):
    code = forms.CharField(max_length=32, label=_("Coupon code"))
