"""The rows the bulk writers (``marketplace.bulk``) copy into orders' tables, one type per table
and purpose.

Each is a ``NamedTuple`` whose field names are the model's field names, in COPY order: the
writers take their columns from the row type, so a row cannot be written under the wrong
columns, and mypy checks every value's type where a row is built (a date where an amount
belongs, or a missing column, is an error before it is wrong money).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

# --- holdings -------------------------------------------------------------------------------------


class HoldingKey(NamedTuple):
    """The (investor, product) pair a holding is found by."""

    user_id: int
    product_id: int


class LockedHoldingRow(NamedTuple):
    """What end of day reads of a holding it locks."""

    id: int
    user_id: int
    product_id: int
    units: Decimal
    reserved: Decimal
    cost: Decimal


class NewHoldingRow(NamedTuple):
    """A holding end of day opens (its id reserved beforehand with ``next_ids``)."""

    id: int
    user_id: int
    product_id: int
    institution_id: int
    kind: str
    units: Decimal
    reserved: Decimal
    cost: Decimal
    opened_at: dt.datetime
    updated_at: dt.datetime


class HoldingFiguresRow(NamedTuple):
    """A holding's new figures after a batch of orders or maturities."""

    id: int
    units: Decimal
    reserved: Decimal
    cost: Decimal
    updated_at: dt.datetime


class HoldingIncomeRow(NamedTuple):
    """A money-market holding after its income was credited through ``income_through``."""

    id: int
    units: Decimal
    income_through: dt.date
    updated_at: dt.datetime


# --- orders ---------------------------------------------------------------------------------------


class ConfirmedBuyRow(NamedTuple):
    """A buy's figures as end of day confirms it."""

    id: int
    status: str
    units: Decimal
    fee: Decimal
    fee_rate: Decimal | None
    net_amount: Decimal
    nav: Decimal | None
    confirmed_at: dt.datetime
    confirmed_on: dt.date | None


class OrderEventRow(NamedTuple):
    order_id: int
    from_status: str
    to_status: str
    reason: str
    created_at: dt.datetime


# --- lots -----------------------------------------------------------------------------------------


class LotRow(NamedTuple):
    """A purchase lot with the terms its order agreed to."""

    holding_id: int
    order_id: int
    source: str
    acquired_on: dt.date
    units: Decimal
    units_remaining: Decimal
    cost_remaining: Decimal
    matures_on: dt.date | None
    cooling_off_until: dt.date | None
    redemption_tiers: list[dict] | None
    annual_rate: Decimal | None
    term_months: int | None
    early_withdrawal_rate: Decimal | None
    cancellation_fee: Decimal | None


class FundLotRow(NamedTuple):
    """A fund purchase lot: ``LotRow`` without the columns only deposits and policies fill (a
    fund's lot keeps its redemption schedule only; the rest stay NULL)."""

    holding_id: int
    order_id: int
    source: str
    acquired_on: dt.date
    units: Decimal
    units_remaining: Decimal
    cost_remaining: Decimal
    redemption_tiers: list[dict] | None


class IncomeLotRow(NamedTuple):
    """One day's money-market income, as a lot of its own (it cost nothing)."""

    holding_id: int
    source: str
    acquired_on: dt.date
    units: Decimal
    units_remaining: Decimal
    cost_remaining: Decimal


class LotRemainingRow(NamedTuple):
    """What is left of a lot after a sale or its maturity (``closed_on`` once empty)."""

    id: int
    units_remaining: Decimal
    cost_remaining: Decimal
    closed_on: dt.date | None


class LotMovementRow(NamedTuple):
    lot_id: int
    order_id: int | None  # None: a maturity
    kind: str
    units: Decimal
    days_held: int
    gross: Decimal
    fee_rate: Decimal
    fee: Decimal
    interest: Decimal
    cost: Decimal
    created_at: dt.datetime


# --- cash -----------------------------------------------------------------------------------------


class CashBalanceRow(NamedTuple):
    id: int
    balance: Decimal
    updated_at: dt.datetime


class CashEntryRow(NamedTuple):
    account_id: int
    kind: str
    amount: Decimal
    balance_after: Decimal
    reference: str
    description: str
    created_at: dt.datetime


# --- commission -----------------------------------------------------------------------------------


class CommissionEntryRow(NamedTuple):
    institution_id: int
    product_id: int
    kind: str
    order_id: int | None  # upfront and correction entries
    holding_id: int | None  # trail entries
    accrual_date: dt.date
    basis: Decimal
    rate: Decimal
    amount: Decimal
    carry: Decimal
    created_at: dt.datetime
