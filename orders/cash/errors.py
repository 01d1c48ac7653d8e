"""Why a card cannot be bound, made the default, unbound or used: one code and one message
each (tests assert the code)."""

from django.utils.translation import gettext_lazy as _

from . import gateway

IDENTITY_REQUIRED = (
    "identity_required",
    _("Verify your identity first: cards are bound in your verified legal name only."),
)
NUMBER_INVALID = (
    "card_number_invalid",
    _("Enter the 16 to 19 digits of your debit card as printed (spaces are fine)."),
)
NUMBER_CHECKSUM = (
    "card_number_invalid",
    _("This card number is not valid: check the digits (one may be mistyped)."),
)
NOT_DEBIT = (
    gateway.NOT_DEBIT,
    _("Bind a debit card: credit cards cannot be used to invest or to receive withdrawals."),
)
ALREADY_BOUND = ("card_already_bound", _("This card is already bound to your account."))
LIMIT = ("card_limit", _("You can bind at most {limit} cards: unbind one you no longer use."))
UNAVAILABLE = (
    "gateway_unavailable",
    _("The bank could not be reached to bind the card: nothing was saved; try again shortly."),
)
NOT_BOUND = ("card_not_bound", _("This card is no longer bound."))
IN_USE = (
    "card_in_use",
    _(
        "This card has a payment in progress (a withdrawal to it or a top-up from it): it can "
        "be unbound once that payment has completed."
    ),
)
# Deposits and withdrawals (field ``card``)
CARD_UNUSABLE = ("card_unavailable", _("Choose one of your bound cards."))
CARD_OTHER_GATEWAY = (
    "card_unavailable",
    _("This card was bound through another payment provider: bind it again to use it."),
)
