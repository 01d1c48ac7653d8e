"""Reconciling cash: the ledger against the balances, the payments, the orders and the
holdings (DESIGN §4)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Round

from ...models import (
    CashAccount,
    CashEntry,
    DistributionPayment,
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    MovementKind,
    NavCorrectionLine,
    Order,
    OrderStatus,
    Payment,
    PaymentDirection,
    PaymentStatus,
    Side,
)
from ..reconciliation import cash_accounts_against_entries


def reconcile_cash() -> list[str]:
    """Every difference between the ledger, the balances and the payments (empty: all agree).

    DESIGN §4: each balance is the sum of its entries; the sum of all cash equals deposits
    minus withdrawals, minus money put into orders, plus refunds, proceeds and income.
    """
    # The accounts that disagree, found in the database (one grouped join, not a dictionary of
    # every account's sum held in memory).
    problems = list(cash_accounts_against_entries())
    by_kind = dict(
        CashEntry.objects.values("kind").annotate(total=Sum("amount")).values_list("kind", "total")
    )
    deposits = Payment.objects.filter(
        direction=PaymentDirection.DEPOSIT, status=PaymentStatus.SUCCEEDED
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if (by_kind.get(EntryKind.DEPOSIT) or Decimal(0)) != deposits:
        entries = by_kind.get(EntryKind.DEPOSIT) or 0
        problems.append(f"deposit entries {entries} != succeeded deposits {deposits}")
    paid_out = Payment.objects.filter(
        direction=PaymentDirection.WITHDRAWAL,
        status__in=[PaymentStatus.SUCCEEDED, PaymentStatus.PENDING],
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    withdrawn = -(by_kind.get(EntryKind.WITHDRAWAL) or Decimal(0)) - (
        by_kind.get(EntryKind.WITHDRAWAL_RETURNED) or Decimal(0)
    )
    if withdrawn != paid_out:
        problems.append(f"net withdrawal entries {withdrawn} != withdrawals paid out {paid_out}")
    total_cash = CashAccount.objects.aggregate(total=Sum("balance"))["total"] or Decimal(0)
    if total_cash != sum(by_kind.values(), Decimal(0)):
        problems.append(f"all cash {total_cash} != all entries {sum(by_kind.values(), Decimal(0))}")
    return problems + _reconcile_orders_and_holdings(by_kind)


def _total(queryset, expression) -> Decimal:
    return queryset.aggregate(total=Sum(expression))["total"] or Decimal(0)


def _reconcile_orders_and_holdings(by_kind: dict) -> list[str]:
    """Money that left cash for orders is in live buy orders; money that came back is what
    settled sells, refunds and maturities say; holdings carry the cost of what was bought less
    the cost of what was sold; every holding is the sum of its lots."""
    problems = []

    def kind(name: str) -> Decimal:
        return by_kind.get(name) or Decimal(0)

    buys = Order.objects.filter(side=Side.BUY)
    live_buys = _total(
        buys.filter(status__in=[OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SETTLED]),
        "amount",
    )
    if -kind(EntryKind.PURCHASE) - kind(EntryKind.REFUND) != live_buys:
        problems.append(
            f"purchases {-kind(EntryKind.PURCHASE)} less refunds {kind(EntryKind.REFUND)} "
            f"!= money in live buy orders {live_buys}"
        )
    proceeds = _total(Order.objects.filter(side=Side.SELL, status=OrderStatus.SETTLED), "amount")
    # A NAV correction re-prices a settled sell; the difference is a correction entry (what a
    # debit could not recover stays on the correction line, as owed).
    corrected = _total(NavCorrectionLine.objects.filter(order__side=Side.SELL), "cash_owed")
    if kind(EntryKind.REDEMPTION) + corrected != proceeds:
        problems.append(
            f"sale proceeds paid {kind(EntryKind.REDEMPTION)} and corrected {corrected} "
            f"!= settled sells {proceeds}"
        )
    posted = _total(NavCorrectionLine.objects.all(), "cash_posted")
    if kind(EntryKind.CORRECTION) != posted:
        problems.append(
            f"correction entries {kind(EntryKind.CORRECTION)} != NAV corrections posted {posted}"
        )
    matured = _total(
        LotMovement.objects.filter(kind=MovementKind.MATURITY), F("gross") + F("interest")
    )
    if kind(EntryKind.MATURITY) != matured:
        problems.append(
            f"maturity payments {kind(EntryKind.MATURITY)} != matured deposits {matured}"
        )
    distributed = _total(DistributionPayment.objects.all(), "cash")
    if kind(EntryKind.DISTRIBUTION) != distributed:
        problems.append(
            f"distribution entries {kind(EntryKind.DISTRIBUTION)} != distributions paid in cash "
            f"{distributed}"
        )
    bought = _total(buys.filter(status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED]), "amount")
    # A reinvested distribution bought units that cost what was reinvested.
    reinvested = _total(DistributionPayment.objects.all(), "reinvested")
    released = _total(LotMovement.objects.all(), "cost")
    held_cost = _total(Holding.objects.all(), "cost")
    if held_cost != bought + reinvested - released:
        problems.append(
            f"holdings' cost {held_cost} != confirmed buys {bought} and reinvested distributions "
            f"{reinvested} less cost sold {released}"
        )
    lots = Lot.objects.filter(holding=OuterRef("pk")).values("holding")
    mismatched = Holding.objects.annotate(
        lot_units=Coalesce(
            Subquery(lots.annotate(t=Sum("units_remaining")).values("t")), Decimal(0)
        ),
        lot_cost=Coalesce(Subquery(lots.annotate(t=Sum("cost_remaining")).values("t")), Decimal(0)),
    ).exclude(  # rounded: SQLite adds decimals as floats
        units=Round(F("lot_units"), 2), cost=Round(F("lot_cost"), 2)
    )
    for holding in mismatched[:20]:
        problems.append(
            f"holding {holding.pk}: {holding.units} units / cost {holding.cost} but its lots "
            f"hold {holding.lot_units} / {holding.lot_cost}"
        )
    return problems
