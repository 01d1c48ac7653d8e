from django import forms

from marketplace.forms import MoneyField
from marketplace.money import UNITS_MESSAGES

from .payments import gateway


class DepositForm(forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)
    payment_method = forms.ChoiceField(
        label="Pay with",
        choices=list(gateway().test_methods.items()),
        widget=forms.RadioSelect,
        initial="sandbox_ok",
    )


class WithdrawalForm(forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)


class CheckoutForm(forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)
    acknowledge_risk = forms.BooleanField(
        required=False,
        label="I have read the warning and accept that this product is above my risk level.",
    )


class SellForm(forms.Form):
    units = MoneyField(label="Units to sell", positive=True, messages=UNITS_MESSAGES)
