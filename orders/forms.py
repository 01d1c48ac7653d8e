from django import forms

from marketplace.forms import MoneyField
from marketplace.money import UNITS_MESSAGES
from profiles.security.forms import TradePinFormMixin

from .payments import active_gateway


class DepositForm(forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)
    payment_method = forms.ChoiceField(
        label="Pay with", choices=[], widget=forms.RadioSelect, initial="sandbox_ok"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provider = active_gateway()
        field = self.fields["payment_method"]
        if provider is None:  # the service refuses with NO_GATEWAY
            field.required = False
        else:
            field.choices = list(provider.test_methods.items())


class WithdrawalForm(TradePinFormMixin, forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)


class CheckoutForm(TradePinFormMixin, forms.Form):
    amount = MoneyField(label="Amount (CNY)", positive=True)
    acknowledge_risk = forms.BooleanField(
        required=False,
        label="I have read the warning and accept that this product is above my risk level.",
    )
    coupon = forms.CharField(
        required=False,
        max_length=32,
        label="Coupon",
        help_text="A code, or one of your coupons; “none” for no coupon.",
    )


class SellForm(TradePinFormMixin, forms.Form):
    units = MoneyField(label="Units to sell", positive=True, messages=UNITS_MESSAGES)
