"""The demo investors' past purchases and redemptions, each confirmed by the end-of-day run of its
own trade date, then the months that are over closed into statements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.dates import month_start, next_month_start
from marketplace.money import round_units
from products.demo.generators import last_trading_day
from products.models import Product, ProductKind

from .. import services
from ..models import Holding, Order
from .clock import at, buy_day, demo_clock
from .distributions import PaidDistribution, declare_upcoming_distribution
from .lookups import published_product

# (investor, product code or kind, amount, days ago): two lots of one bond fund a year apart
# show FIFO redemption fees; a mixed fund shows P&L; the rest one of each kind.
DEMO_BUYS = [
    ("investor@fortune.example", "202101", "20000", 420),
    ("investor@fortune.example", "202101", "10000", 20),
    ("investor@fortune.example", "202002", "15000", 95),
    ("investor@fortune.example", "202301", "20000", 30),
    ("investor@fortune.example", ProductKind.SAVINGS, "10000", 60),
    ("investor2@fortune.example", "519300", "50000", 200),
    ("investor2@fortune.example", "009001", "30000", 10),
    # A year of Wang Fang's purchases of Southern Cross funds, so its portal dashboard shows
    # months of business (issue 15), one of them placed today (pending until its NAV).
    ("investor2@fortune.example", "202105", "12000", 330),
    ("investor2@fortune.example", "202002", "8000", 290),
    ("investor2@fortune.example", "202005", "15000", 250),
    ("investor2@fortune.example", "202108", "6000", 215),
    ("investor2@fortune.example", "202105", "9000", 180),
    ("investor2@fortune.example", "202002", "11000", 150),
    ("investor2@fortune.example", "202005", "7000", 120),
    ("investor2@fortune.example", "202108", "14000", 90),
    ("investor2@fortune.example", "202105", "10000", 60),
    ("investor2@fortune.example", "202002", "16000", 35),
    ("investor2@fortune.example", "202005", "12000", 8),
    ("investor2@fortune.example", "202108", "5000", 3),
    ("investor2@fortune.example", "202105", "3000", 0),
]
# (investor, fund code, share of the units held, days ago): redemptions on the dashboard.
DEMO_SELLS = [
    ("investor2@fortune.example", "202105", "0.5", 100),
    ("investor2@fortune.example", "202002", "0.3", 20),
]


def seed_portfolios(log) -> int:
    """Place the demo purchases (once per investor), each confirmed by the end-of-day run of its
    own trade date, then close the months that are over, so the portal has statements."""
    users = get_user_model().objects.in_bulk({email for email, *_ in DEMO_BUYS}, field_name="email")
    fresh = {email for email, user in users.items() if not Order.objects.filter(user=user).exists()}
    today = timezone.localdate()
    # Only with the holder's purchases of this run: added to an older demo its cash entry would
    # come after later ones in the ledger.
    paid = PaidDistribution(today, enabled="investor@fortune.example" in fresh)
    placed = 0
    trades = [(email, code, "buy", amount, ago) for email, code, amount, ago in DEMO_BUYS]
    trades += [(email, code, "sell", share, ago) for email, code, share, ago in DEMO_SELLS]
    for email, code, side, figure, days_ago in sorted(trades, key=lambda trade: -trade[4]):
        product = published_product(code)
        if email not in fresh or product is None:
            continue
        moment = at(buy_day(today, days_ago), 10)
        paid.run_until(moment.date())  # in date order among the purchases: the ledger stays true
        amount = figure if side == "buy" else None
        units = None if side == "buy" else _share_of_holding(users[email], product, figure)
        if side == "sell" and not units:
            continue
        try:
            with demo_clock(moment):
                order, _ = services.order_place(
                    user=users[email],
                    product=product,
                    side=side,
                    amount=amount,
                    units=units,
                    now=moment,
                )
        except ValidationError as exc:
            log(f"  demo order skipped ({product.name}): {' '.join(exc.messages)}")
            continue
        with demo_clock(at(order.trade_date, 22, 30)):
            services.end_of_day(run_date=order.trade_date)
        placed += 1
    paid.run_until(today)
    if placed:
        # Daily runs over the last few days: money-market income and trail commission.
        start = last_trading_day(today)
        for offset in range((today - start).days + 1):
            day = start + dt.timedelta(days=offset)
            with demo_clock(at(day, 22, 30)):
                services.end_of_day(run_date=day)
    # seed_demo runs in one transaction, so the sweeps end of day enqueued run only after it
    # commits: write the commission now, before the months close.
    services.commission_entries_write()
    first = Order.objects.filter(confirmed_on__isnull=False).order_by("confirmed_on").first()
    month = month_start(first.confirmed_on if first else today)
    while month < month_start(today):
        with demo_clock(at(next_month_start(month), 2)):
            services.close_month(month=month)
        month = next_month_start(month)
    declare_upcoming_distribution(today)
    return placed


def _share_of_holding(user, product: Product, share: str) -> Decimal | None:
    holding = Holding.objects.filter(user=user, product=product).first()
    if holding is None:
        return None
    return round_units(holding.available * Decimal(share)) or None
