from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import MoneyField
from marketplace.money import UNITS_MESSAGES
from profiles.security.forms import TradePinFormMixin

from .cash.forms import CardChoiceField


class DepositForm(forms.Form):
    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    card = CardChoiceField(label=_("Pay from"))

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("auto_id", "deposit-%s")
        super().__init__(*args, **kwargs)
        self.fields["card"].for_user(user)


class WithdrawalForm(TradePinFormMixin, forms.Form):
    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    card = CardChoiceField(label=_("Pay out to"))

    def __init__(self, *args, user=None, **kwargs):
        kwargs.setdefault("auto_id", "withdraw-%s")
        super().__init__(*args, **kwargs)
        self.fields["card"].for_user(user)


class CheckoutForm(TradePinFormMixin, forms.Form):
    amount = MoneyField(label=_("Amount (CNY)"), positive=True)
    acknowledge_risk = forms.BooleanField(
        required=False,
        label=_("I have read the warning and accept that this product is above my risk level."),
    )
    coupon = forms.CharField(
        required=False,
        max_length=32,
        label=_("Coupon"),
        help_text=_("A code, or one of your coupons; “none” for no coupon."),
    )


class SellForm(TradePinFormMixin, forms.Form):
    units = MoneyField(label=_("Units to sell"), positive=True, messages=UNITS_MESSAGES)
