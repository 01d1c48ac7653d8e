from django import forms

from .payments import gateway


class DepositForm(forms.Form):
    amount = forms.CharField(
        label="Amount (CNY)", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    payment_method = forms.ChoiceField(
        label="Pay with",
        choices=list(gateway().test_methods.items()),
        widget=forms.RadioSelect,
        initial="sandbox_ok",
    )


class WithdrawalForm(forms.Form):
    amount = forms.CharField(
        label="Amount (CNY)", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class CheckoutForm(forms.Form):
    amount = forms.CharField(
        label="Amount (CNY)", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    acknowledge_risk = forms.BooleanField(
        required=False,
        label="I have read the warning and accept that this product is above my risk level.",
    )


class SellForm(forms.Form):
    units = forms.CharField(
        label="Units to sell", max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
