"""NAV corrections (DESIGN §4): a NAV that has priced orders is never overwritten by an upload.
The institution or staff request a correction with a reason; other staff approve it; approval
changes the NAV, keeps the old value on the correction, and re-prices every order it priced
with new rows only: unit movements on the lots (``corr_add`` / ``corr_take``), cash entries of
kind ``correction``, an order event, and an e-mail to each investor.

Decisions where the rules are silent:

* A buy priced too low got too many units. They are taken back from its lot, as far as the lot
  still has units not promised to a pending sell. Units already redeemed (or reserved) are
  settled in cash instead, at the corrected NAV of the trade date; a debit never takes the
  balance below zero, and what it could not recover is kept on the line (``cash_owed`` vs
  ``cash_posted``) for staff.
* Units a distribution reinvested at the corrected NAV (a lot with no order) are re-priced as a
  buy is: the money reinvested stays, the lot's units change (same rules for units already
  sold); the distribution's payment and its investor follow through a registered step.
* A sell is re-priced lot by lot with the fee rates it paid; the difference in proceeds is
  credited or debited in cash (same rule for debits).
* A switch's legs are orders like any other, each re-priced at its own fund's corrected NAV: A's
  NAV corrected, the sale's proceeds change and the difference is settled in cash while B's
  purchase stands as confirmed (re-buying B would move a price the investor already saw
  confirmed, and its commission with it); B's NAV corrected, B's units change for the same money.
* Commission: upfront commission is a rate of the amount paid or of the front-end fee, and
  neither depends on the NAV, so no commission correction is written. Trail already accrued is
  not re-priced; trail from the next day accrues on the corrected units.
"""

# Callers import the submodule: ``workflow`` (request, reject, approve, after_lots_repriced and
# their messages) or ``repricing`` (the messages investors read on a re-priced order).
