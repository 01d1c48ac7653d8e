"""Forms of sign-in security, and the trade PIN field every money form mixes in."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.forms import WholeNumberField
from marketplace.permissions import form_errors_from

from . import services

MISMATCH = _("The two PINs are not the same.")


def _pin_widget(autocomplete: str = "off") -> forms.PasswordInput:
    return forms.PasswordInput(
        attrs={
            "inputmode": "numeric",
            "autocomplete": autocomplete,
            "maxlength": "6",
            "pattern": "[0-9]{6}",
            "class": "pin-input",
        }
    )


class TradePinField(forms.CharField):
    """Six digits (the trade PIN, or a TOTP code where TOTP is on), never echoed back."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Trade PIN"))
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("widget", _pin_widget())
        super().__init__(**kwargs)


class TradePinFormMixin(forms.Form):
    """Mix into a form that moves money: adds ``trade_pin`` (id ``id_trade_pin``). Optional
    in the form, so a review (GET) of the same form does not ask for it; the check itself is
    :meth:`trade_confirmed`, called before the money moves."""

    trade_pin = TradePinField(
        required=False,
        help_text=_("Your six-digit trade PIN, or your authenticator code if TOTP is on."),
    )

    def without_pin(self) -> dict:
        """The cleaned data for the service, which never takes the PIN."""
        return {k: v for k, v in self.cleaned_data.items() if k != "trade_pin"}

    def trade_confirmed(self, *, user) -> bool:
        """Run the one check; on refusal put its message on the field and return False."""
        try:
            services.trade_confirm(user=user, pin=self.cleaned_data.get("trade_pin"))
        except ValidationError as exc:
            form_errors_from(self, exc)
            return False
        return True


class _NewPinMixin(forms.Form):
    def _matching(self, first: str, second: str):
        data = self.cleaned_data
        if data.get(first) and data.get(second) and data[first] != data[second]:
            self.add_error(second, MISMATCH)
        return data


class PinSetForm(_NewPinMixin):
    pin = TradePinField(label=_("New trade PIN"), widget=_pin_widget("new-password"))
    pin_again = TradePinField(label=_("The PIN again"), widget=_pin_widget("new-password"))

    def clean(self):
        return self._matching("pin", "pin_again")


class PinChangeForm(_NewPinMixin):
    current_pin = TradePinField(label=_("Current trade PIN"))
    new_pin = TradePinField(label=_("New trade PIN"), widget=_pin_widget("new-password"))
    new_pin_again = TradePinField(label=_("The new PIN again"), widget=_pin_widget("new-password"))

    def clean(self):
        return self._matching("new_pin", "new_pin_again")


class PinResetRequestForm(forms.Form):
    password = forms.CharField(
        label=_("Your login password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    totp_code = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )

    def __init__(self, *args, totp: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not totp:
            del self.fields["totp_code"]


class SessionEndForm(forms.Form):
    session = WholeNumberField(min_value=1, required=False)
    everywhere = forms.BooleanField(required=False)
