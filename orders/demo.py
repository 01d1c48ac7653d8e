"""Demo portfolios: the demo investors' past purchases, each confirmed by a real end-of-day run,
so ``/me/portfolio/`` shows lots, P&L and money-market income on a fresh machine, and the
institutions' past months are closed into statements."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.dates import month_start, next_month_start
from products.demo import last_trading_day
from products.models import Product, ProductKind

from . import services
from .models import Order

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
]


def _product(code_or_kind: str) -> Product | None:
    products = Product.objects.filter(status="published")
    if code_or_kind in ProductKind.values:
        return products.filter(kind=code_or_kind).order_by("risk_level", "pk").first()
    return products.filter(code=code_or_kind).first()


def seed_portfolios(log) -> int:
    """Place the demo purchases (once per investor), each confirmed by the end-of-day run of its
    own trade date, then close the months that are over, so the portal has statements."""
    users = get_user_model().objects.in_bulk({email for email, *_ in DEMO_BUYS}, field_name="email")
    fresh = {email for email, user in users.items() if not Order.objects.filter(user=user).exists()}
    today = timezone.localdate()
    placed = 0
    for email, code, amount, days_ago in sorted(DEMO_BUYS, key=lambda buy: -buy[3]):
        product = _product(code)
        if email not in fresh or product is None:
            continue
        moment = timezone.make_aware(
            dt.datetime.combine(last_trading_day(today - dt.timedelta(days=days_ago)), dt.time(10))
        )
        try:
            order, _ = services.order_place(
                user=users[email], product=product, side="buy", amount=amount, now=moment
            )
        except ValidationError as exc:
            log(f"  demo order skipped ({product.name}): {' '.join(exc.messages)}")
            continue
        services.end_of_day(run_date=order.trade_date)
        placed += 1
    if placed:
        # Daily runs over the last few days: money-market income and trail commission.
        start = last_trading_day(today)
        for offset in range((today - start).days + 1):
            services.end_of_day(run_date=start + dt.timedelta(days=offset))
    # seed_demo runs in one transaction, so the sweeps end of day enqueued run only after it
    # commits: write the commission now, before the months close.
    services.commission_entries_write()
    first = Order.objects.filter(confirmed_on__isnull=False).order_by("confirmed_on").first()
    month = month_start(first.confirmed_on if first else today)
    while month < month_start(today):
        services.close_month(month=month)
        month = next_month_start(month)
    return placed
