"""How orders are priced (DESIGN §4): pure functions over Decimals, no database.

End of day, instant money-market redemptions and the checkout's estimate all price through
these, so what an investor is shown is what they get, to the cent. What the investor agreed to
travels with the money (DESIGN §4): a buy keeps its subscription fee band, and each lot its
redemption schedule, savings terms or cancellation fee; pricing reads those, never the
product's terms as they are today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from marketplace.dates import add_months as add_months  # re-exported: pricing.add_months
from marketplace.money import round_amount, round_rate, round_units
from products.fees import Tier, band_fee, redemption_rate, subscription_band
from products.models import ProductKind

ZERO = Decimal(0)
FUND_SALE_NEEDS_NAV = "A fund redemption is priced at the NAV of its trade date."
LOT_WITHOUT_SAVINGS_TERMS = (
    "Deposit {lot} keeps no savings terms (maturity, rate, term, early rate): every deposit "
    "takes them from its order when it is confirmed."
)
LOT_WITHOUT_CANCELLATION_FEE = (
    "Policy {lot} keeps no cancellation fee: every policy takes it from its order when it is "
    "confirmed."
)
DAYS_PER_YEAR = Decimal(365)
MONEY_MARKET_NAV = Decimal("1.0000")


@dataclass(frozen=True)
class Subscription:
    fee_rate: Decimal | None  # None when a fixed fee applied
    fee: Decimal
    net: Decimal
    units: Decimal


def fund_subscription(
    *, amount: Decimal, nav: Decimal, tiers: Sequence[Tier] = (), band: Tier | None = None
) -> Subscription:
    """Units issued for ``amount`` at ``nav``: net-amount fee, units rounded down. The fee is
    ``band``'s (the one the order kept at placement) or, without one, the band of ``tiers``
    for the amount. A fund without a subscription schedule (money-market) charges nothing."""
    if band is None and tiers:
        band = subscription_band(tiers=list(tiers), amount=amount)
    if band is not None:
        fee = band_fee(tier=band, amount=amount)
        rate, fee_amount, net = fee.rate, fee.fee, fee.net
    else:
        rate, fee_amount, net = ZERO, ZERO, amount
    return Subscription(fee_rate=rate, fee=fee_amount, net=net, units=round_units(net / nav))


def agreed_band(*, rate: Decimal | None, fixed_fee: Decimal | None) -> Tier:
    """The subscription band an order kept at placement (a rate, or a fixed fee) as a tier."""
    return Tier(ZERO, None, rate or ZERO, fixed_fee)


@dataclass(frozen=True)
class OpenLot:
    """What pricing needs of a lot: its id, when it was bought, what is left and its cost, and
    the terms agreed when it was bought (a fund's redemption schedule, a deposit's rate, term,
    maturity and early rate, a policy's cancellation fee)."""

    id: int
    acquired_on: dt.date
    units: Decimal
    cost: Decimal
    cooling_off_until: dt.date | None = None
    matures_on: dt.date | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    early_withdrawal_rate: Decimal | None = None
    cancellation_fee: Decimal | None = None
    redemption_tiers: tuple[Tier, ...] | None = None  # None: the lot kept none (income)

    def matured_by(self, day: dt.date) -> bool:
        return self.matures_on is not None and day >= self.matures_on

    def savings_terms(self) -> SavingsTerms:
        """The deposit's terms, all set (a savings lot always keeps them, see ``Lot``)."""
        if (
            self.matures_on is None
            or self.annual_rate is None
            or self.term_months is None
            or self.early_withdrawal_rate is None
        ):
            raise MissingTermsError(LOT_WITHOUT_SAVINGS_TERMS.format(lot=self.id))
        return SavingsTerms(
            self.matures_on, self.annual_rate, self.term_months, self.early_withdrawal_rate
        )

    def kept_cancellation_fee(self) -> Decimal:
        """The policy's cancellation fee (an insurance lot always keeps one, see ``Lot``)."""
        if self.cancellation_fee is None:
            raise MissingTermsError(LOT_WITHOUT_CANCELLATION_FEE.format(lot=self.id))
        return self.cancellation_fee


@dataclass(frozen=True)
class SavingsTerms:
    """A deposit's terms as its lot kept them, none missing."""

    matures_on: dt.date
    annual_rate: Decimal
    term_months: int
    early_withdrawal_rate: Decimal


class MissingTermsError(ValueError):
    """A lot lacks the terms its kind is priced by: a broken invariant, never an input error."""


def kept_tiers(rows: list[dict] | None) -> tuple[Tier, ...] | None:
    """A lot's redemption schedule as stored (``Tier.as_dict`` rows; None: it kept none)."""
    return None if rows is None else tuple(Tier.from_dict(row) for row in rows)


@dataclass(frozen=True)
class Slice:
    """The units one sale takes out of one lot, priced."""

    lot_id: int
    units: Decimal
    days_held: int
    gross: Decimal
    fee_rate: Decimal
    fee: Decimal
    interest: Decimal
    cost: Decimal
    interest_rate: Decimal = ZERO  # savings: the annual rate the interest was worked at


@dataclass(frozen=True)
class Sale:
    units: Decimal
    gross: Decimal
    fee: Decimal
    interest: Decimal
    paid: Decimal
    cost: Decimal
    slices: tuple[Slice, ...]

    @property
    def fee_rate(self) -> Decimal | None:
        """The single rate when every lot paid the same one, else None (see the slices)."""
        rates = {s.fee_rate for s in self.slices}
        return rates.pop() if len(rates) == 1 else None

    @property
    def interest_rate(self) -> Decimal | None:
        """Savings: the single annual rate every deposit earned, else None (see the slices)."""
        rates = {s.interest_rate for s in self.slices}
        return rates.pop() if len(rates) == 1 else None

    @property
    def fee_per_unit(self) -> Decimal | None:
        """Insurance: the cancellation fee per policy when every policy pays the same one."""
        fees = {s.fee / s.units for s in self.slices if s.units}
        return fees.pop() if len(fees) == 1 else None


class NotEnoughUnitsError(ValueError):
    pass


def take(lots: Sequence[OpenLot], units: Decimal) -> list[tuple[OpenLot, Decimal, Decimal]]:
    """Take ``units`` from ``lots`` in the order given: ``(lot, units taken, cost carried)``.

    A lot emptied gives up all its remaining cost; a lot partly taken gives up its cost in
    proportion, to the cent, so the cost left always belongs to the units left.
    """
    taken, left = [], units
    for lot in lots:
        if left <= 0:
            break
        if lot.units <= 0:
            continue
        part = min(lot.units, left)
        cost = lot.cost if part == lot.units else round_amount(lot.cost * part / lot.units)
        taken.append((lot, part, cost))
        left -= part
    if left > 0:
        raise NotEnoughUnitsError(f"{units} units asked, {units - left} held")
    return taken


def _sale(slices: list[Slice], *, gross: Decimal) -> Sale:
    fee = sum((s.fee for s in slices), ZERO)
    interest = sum((s.interest for s in slices), ZERO)
    return Sale(
        units=sum((s.units for s in slices), ZERO),
        gross=gross,
        fee=fee,
        interest=interest,
        paid=gross - fee + interest,
        cost=sum((s.cost for s in slices), ZERO),
        slices=tuple(slices),
    )


def fund_redemption(
    *,
    lots: Sequence[OpenLot],
    units: Decimal,
    nav: Decimal,
    tiers: Sequence[Tier],
    trade_date: dt.date,
) -> Sale:
    """Redeem ``units`` at ``nav``, oldest lot first: each lot pays the rate for its own days
    held in the schedule it was bought under (``tiers``, the product's, for a lot that kept
    none), ``fee = round(units × NAV × rate)`` per lot; ``gross = units × NAV`` to the cent,
    shared out so the lots' grosses add up to it exactly (the last lot takes the remainder)."""
    slices = []
    gross = round_amount(units * nav)
    taken = take(fifo(lots), units)
    allocated = ZERO
    for n, (lot, part, cost) in enumerate(taken, start=1):
        days = (trade_date - lot.acquired_on).days
        schedule = list(tiers if lot.redemption_tiers is None else lot.redemption_tiers)
        rate = redemption_rate(tiers=schedule, days_held=days) if schedule else ZERO
        value = part * nav
        lot_gross = gross - allocated if n == len(taken) else round_amount(value)
        allocated += lot_gross
        slices.append(
            Slice(lot.id, part, days, lot_gross, rate, round_amount(value * rate), ZERO, cost)
        )
    return _sale(slices, gross=gross)


def savings_interest(*, principal: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """Simple interest for ``days``: ``principal × rate × days / 365``, to the cent."""
    return round_amount(principal * annual_rate * days / DAYS_PER_YEAR)


def savings_maturity_interest(
    *, principal: Decimal, annual_rate: Decimal, term_months: int
) -> Decimal:
    """Interest at maturity: ``principal × annual rate × term``, the term in years (months/12)."""
    return round_amount(principal * annual_rate * term_months / 12)


def savings_withdrawal(*, lots: Sequence[OpenLot], units: Decimal, trade_date: dt.date) -> Sale:
    """Withdraw ``units`` of principal, oldest deposit first, each at the terms it was made
    with: a deposit that has matured by ``trade_date`` earns its full-term interest (it is never
    priced as early); one that has not earns its early-withdrawal rate for the days held."""
    slices = []
    for lot, part, cost in take(fifo(lots), units):
        terms = lot.savings_terms()
        if lot.matured_by(trade_date):
            days = (terms.matures_on - lot.acquired_on).days
            rate = terms.annual_rate
            interest = savings_maturity_interest(
                principal=part, annual_rate=rate, term_months=terms.term_months
            )
        else:
            days = max((trade_date - lot.acquired_on).days, 0)
            rate = terms.early_withdrawal_rate
            interest = savings_interest(principal=part, annual_rate=rate, days=days)
        slices.append(Slice(lot.id, part, days, part, ZERO, ZERO, interest, cost, rate))
    return _sale(slices, gross=units)


def matured_parts(
    *, lots: Sequence[OpenLot], sells: Sequence[tuple[int, Decimal]], matured: set[int]
) -> dict[int, Decimal]:
    """How much of each pending withdrawal (``(order id, units)``, in the order they will be
    confirmed) would come out of the ``matured`` lots, taking oldest first as the withdrawal
    will. Maturity pays that part in full instead, so each withdrawal keeps only the rest."""
    left = {lot.id: lot.units for lot in lots}
    parts = {}
    for order_id, units in sells:
        wanted, part = units, ZERO
        for lot in fifo(lots):
            if wanted <= 0:
                break
            got = min(left[lot.id], wanted)
            if got <= 0:
                continue
            left[lot.id] -= got
            wanted -= got
            if lot.id in matured:
                part += got
        parts[order_id] = part
    return parts


def insurance_cancellation(*, lots: Sequence[OpenLot], policies: Decimal, day: dt.date) -> Sale:
    """Cancel ``policies`` still in their cooling-off period on ``day`` (when the investor
    asked), newest first: each refunds its premium less the cancellation fee it was bought
    with."""
    in_cooling_off = [lot for lot in lots if in_cooling_off_period(lot, day)]
    newest_first = sorted(in_cooling_off, key=lambda lot: (lot.acquired_on, lot.id), reverse=True)
    slices = []
    for lot, part, cost in take(newest_first, policies):
        fee = min(round_amount(lot.kept_cancellation_fee() * part), cost)
        days = max((day - lot.acquired_on).days, 0)
        slices.append(Slice(lot.id, part, days, cost, ZERO, fee, ZERO, cost))
    return _sale(slices, gross=sum((s.gross for s in slices), ZERO))


def sale(
    *,
    product,
    lots: Sequence[OpenLot],
    units: Decimal,
    nav: Decimal | None,
    tiers: Sequence[Tier],
    trade_date: dt.date,
    asked_on: dt.date,
) -> Sale:
    """Price selling ``units`` of ``product``, whatever its kind: a fund redemption at ``nav``
    (each lot at the redemption schedule it kept; ``tiers``, the product's, for lots that kept
    none); a savings withdrawal; a policy cancellation judged on ``asked_on``, the day the
    investor asked. Savings and insurance read the terms each lot kept, never the product's."""
    if product.kind == ProductKind.FUND:
        if nav is None:
            raise ValueError(FUND_SALE_NEEDS_NAV)
        return fund_redemption(lots=lots, units=units, nav=nav, tiers=tiers, trade_date=trade_date)
    if product.kind == ProductKind.SAVINGS:
        return savings_withdrawal(lots=lots, units=units, trade_date=trade_date)
    return insurance_cancellation(lots=lots, policies=units, day=asked_on)


def sellable(
    *,
    kind: str,
    units: Decimal,
    reserved: Decimal,
    lots: Iterable[tuple[Decimal, dt.date | None]],
    day: dt.date,
) -> Decimal:
    """What may still be sold of a holding on ``day``: the units not already in pending sells;
    for insurance, only policies still in their cooling-off period. ``lots`` are the open
    lots' ``(units remaining, cooling-off end)``."""
    if kind != ProductKind.INSURANCE:
        return units - reserved
    cancellable = sum((u for u, until in lots if until is not None and day <= until), ZERO)
    return max(cancellable - reserved, ZERO)


def in_cooling_off_period(lot: OpenLot, day: dt.date) -> bool:
    return lot.cooling_off_until is not None and day <= lot.cooling_off_until


def fifo(lots: Sequence[OpenLot]) -> list[OpenLot]:
    return sorted(lots, key=lambda lot: (lot.acquired_on, lot.id))


def money_market_income(*, units: Decimal, yield_per_10k: Decimal) -> Decimal:
    """A day's money-market income in units (NAV 1.0000), rounded down like any units."""
    return round_units(units * yield_per_10k / 10000)


# --- switching (DESIGN §4 "Switching") ---------------------------------------------------------


def subscription_rate_for(*, band: Tier | None, amount: Decimal) -> Decimal:
    """A fund's subscription fee rate for a purchase of ``amount``, by the products fee
    calculator: its band's rate; a fixed-fee band as the share of the amount it takes (6 dp);
    no schedule (a money-market fund): 0."""
    if band is None or amount <= 0:
        return ZERO
    fee = band_fee(tier=band, amount=amount)
    return fee.rate if fee.rate is not None else round_rate(fee.fee / amount)


@dataclass(frozen=True)
class SwitchFee:
    """What a switch from fund A to fund B costs: A's redemption fee (lot by lot, as any sale)
    plus ``difference_rate × amount``. ``amount`` is what moves into B (A's proceeds after its
    redemption fee); ``net`` is what buys B's units."""

    redemption_fee: Decimal
    difference_rate: Decimal
    difference_fee: Decimal
    amount: Decimal
    net: Decimal

    @property
    def total(self) -> Decimal:
        return self.redemption_fee + self.difference_fee


def switch_difference_rate(*, from_rate: Decimal, to_rate: Decimal) -> Decimal:
    """The positive difference of B's and A's subscription rates (0 when B is cheaper)."""
    return max(ZERO, to_rate - from_rate)


def switch_fee(
    *, redemption_fee: Decimal, proceeds: Decimal, from_rate: Decimal, to_rate: Decimal
) -> SwitchFee:
    """The one switch fee rule (DESIGN §4): A's redemption fee (already in ``proceeds``, A's
    sale paid after it) plus ``max(0, to_rate − from_rate) × proceeds``, half-up to the cent
    and never more than the proceeds."""
    rate = switch_difference_rate(from_rate=from_rate, to_rate=to_rate)
    proceeds = max(proceeds, ZERO)
    difference = min(round_amount(proceeds * rate), proceeds)
    return SwitchFee(
        redemption_fee=redemption_fee,
        difference_rate=rate,
        difference_fee=difference,
        amount=proceeds,
        net=proceeds - difference,
    )


def switch_units(*, fee: SwitchFee, nav: Decimal) -> Subscription:
    """B's units for a switch: the difference fee taken as the buy's fixed fee, the rest at
    ``nav``, rounded down like any subscription."""
    return fund_subscription(
        amount=fee.amount, nav=nav, band=agreed_band(rate=None, fixed_fee=fee.difference_fee)
    )
