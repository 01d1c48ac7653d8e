from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors

CARD_REQUIRED = _("Choose one of your bound cards (bind a card first on the Cards page).")
CARD_NOT_OFFERED = _("Choose one of your bound cards.")


class CardChoiceField(forms.ModelChoiceField):
    """One of the investor's bound cards, the default chosen; shown by bank and last four."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"required": CARD_REQUIRED, "invalid_choice": CARD_NOT_OFFERED}
        )
        super().__init__(queryset=selectors.cards_for(user=None), empty_label=None, **kwargs)

    def for_user(self, user) -> None:
        self.queryset = selectors.cards_for(user=user)
        default = selectors.default_card(user=user)
        self.initial = default.pk if default else None

    def label_from_instance(self, obj) -> str:
        return f"{obj.bank_name} ••••\u00a0{obj.last4}"  # the last four never wrap apart


class UnechoedTextInput(forms.TextInput):
    """A text box that never renders what was typed back into the page (a card number)."""

    def format_value(self, value):
        return None


class CardBindForm(forms.Form):
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=40,
        strip=True,
        widget=UnechoedTextInput(
            attrs={"inputmode": "numeric", "autocomplete": "cc-number", "spellcheck": "false"}
        ),
    )
