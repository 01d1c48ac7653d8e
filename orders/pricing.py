"""How orders are priced (DESIGN §4): pure functions over Decimals, no database.

End of day, instant money-market redemptions and the checkout's estimate all price through
these, so what an investor is shown is what they get, to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from marketplace.dates import add_months as add_months  # re-exported: pricing.add_months
from marketplace.money import round_amount, round_units
from products.fees import Tier, redemption_rate, subscription_fee
from products.models import ProductKind

ZERO = Decimal(0)
FUND_SALE_NEEDS_NAV = "A fund redemption is priced at the NAV of its trade date."
DAYS_PER_YEAR = Decimal(365)
MONEY_MARKET_NAV = Decimal("1.0000")


@dataclass(frozen=True)
class Subscription:
    fee_rate: Decimal | None  # None when a fixed fee applied
    fee: Decimal
    net: Decimal
    units: Decimal


def fund_subscription(*, amount: Decimal, nav: Decimal, tiers: Sequence[Tier]) -> Subscription:
    """Units issued for ``amount`` at ``nav``: net-amount fee, units rounded down. A fund
    without a subscription schedule (money-market) charges nothing."""
    if tiers:
        fee = subscription_fee(tiers=list(tiers), amount=amount)
        rate, fee_amount, net = fee.rate, fee.fee, fee.net
    else:
        rate, fee_amount, net = ZERO, ZERO, amount
    return Subscription(fee_rate=rate, fee=fee_amount, net=net, units=round_units(net / nav))


@dataclass(frozen=True)
class OpenLot:
    """What pricing needs of a lot: its id, when it was bought, what is left and its cost."""

    id: int
    acquired_on: dt.date
    units: Decimal
    cost: Decimal
    cooling_off_until: dt.date | None = None


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
    held, ``fee = round(units × NAV × rate)`` per lot; ``gross = units × NAV`` to the cent."""
    slices = []
    for lot, part, cost in take(fifo(lots), units):
        days = (trade_date - lot.acquired_on).days
        rate = redemption_rate(tiers=list(tiers), days_held=days) if tiers else ZERO
        value = part * nav
        slices.append(
            Slice(
                lot.id,
                part,
                days,
                round_amount(value),
                rate,
                round_amount(value * rate),
                ZERO,
                cost,
            )
        )
    return _sale(slices, gross=round_amount(units * nav))


def savings_interest(*, principal: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """Simple interest for ``days``: ``principal × rate × days / 365``, to the cent."""
    return round_amount(principal * annual_rate * days / DAYS_PER_YEAR)


def savings_maturity_interest(
    *, principal: Decimal, annual_rate: Decimal, term_months: int
) -> Decimal:
    """Interest at maturity: ``principal × annual rate × term``, the term in years (months/12)."""
    return round_amount(principal * annual_rate * term_months / 12)


def savings_withdrawal(
    *, lots: Sequence[OpenLot], units: Decimal, early_rate: Decimal, trade_date: dt.date
) -> Sale:
    """Withdraw ``units`` of principal early, oldest deposit first, each earning the
    early-withdrawal rate for its own days held."""
    slices = []
    for lot, part, cost in take(fifo(lots), units):
        days = max((trade_date - lot.acquired_on).days, 0)
        interest = savings_interest(principal=part, annual_rate=early_rate, days=days)
        slices.append(Slice(lot.id, part, days, part, ZERO, ZERO, interest, cost))
    return _sale(slices, gross=units)


def insurance_cancellation(
    *, lots: Sequence[OpenLot], policies: Decimal, fee_per_policy: Decimal, day: dt.date
) -> Sale:
    """Cancel ``policies`` still in their cooling-off period on ``day`` (when the investor
    asked), newest first: each refunds its premium less the cancellation fee."""
    in_cooling_off = [lot for lot in lots if in_cooling_off_period(lot, day)]
    newest_first = sorted(in_cooling_off, key=lambda lot: (lot.acquired_on, lot.id), reverse=True)
    slices = []
    for lot, part, cost in take(newest_first, policies):
        fee = min(round_amount(fee_per_policy * part), cost)
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
    with its redemption ``tiers``; an early savings withdrawal; a policy cancellation judged on
    ``asked_on``, the day the investor asked. (``product`` needs its terms loaded.)"""
    if product.kind == ProductKind.FUND:
        if nav is None:
            raise ValueError(FUND_SALE_NEEDS_NAV)
        return fund_redemption(lots=lots, units=units, nav=nav, tiers=tiers, trade_date=trade_date)
    if product.kind == ProductKind.SAVINGS:
        early_rate = product.savings_terms.early_withdrawal_rate
        return savings_withdrawal(
            lots=lots, units=units, early_rate=early_rate, trade_date=trade_date
        )
    fee = product.insurance_terms.cancellation_fee
    return insurance_cancellation(lots=lots, policies=units, fee_per_policy=fee, day=asked_on)


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
