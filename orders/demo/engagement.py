"""What the demo investors see after buying: a half-fee card with its after-sales campaign, a
watchlist with alerts, and a month of product page views for the portal's conversion figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from products.models import Product, ProductPageViewDay

from ..campaigns.services import campaign_launch, campaign_save
from ..coupons.models import Coupon, CouponKind
from ..coupons.services import coupon_create, coupon_grant
from ..insight import watch
from .lookups import published_product

DEMO_CARD = "Half-fee welcome card"


def seed_after_sales(log) -> int:
    """Once: a half-fee card of the first demo fund's institution in the demo investor's wallet,
    and that institution's after-purchase campaign carrying it (offers follow later purchases)."""
    fund = published_product("202101")
    investor = get_user_model().objects.filter(email="investor@fortune.example").first()
    if fund is None or investor is None or Coupon.objects.filter(name=DEMO_CARD).exists():
        return 0
    institution = fund.institution
    editor = institution.memberships.order_by("pk").first()
    actor = editor.user if editor else None
    today = timezone.localdate()
    card = coupon_create(
        institution=institution,
        actor=actor,
        kind=CouponKind.FEE_DISCOUNT,
        products=[fund.slug],
        name=DEMO_CARD,
        code="",
        percent_off=Decimal("50.00"),
        valid_until=today + dt.timedelta(days=90),
        budget=Decimal("20000.00"),
        max_count=500,
        per_user_limit=1,
    )
    coupon_grant(coupon=card, user=investor, actor=actor)
    campaign = campaign_save(
        institution=institution,
        actor=actor,
        title=f"Thank you for investing in {fund.name}",
        body=(
            f"Your next purchase of {fund.name} (R{fund.risk_level}) pays half the subscription "
            "fee with the card in your wallet."
        ),
        trigger="after_purchase",
        product=fund,
        delay_hours=24,
        coupon=card,
    )
    campaign_launch(campaign=campaign, actor=actor)
    log(f"  after-sales: {DEMO_CARD} for {investor.email}, a campaign of {institution.name}")
    return 1


# (fund code, alerts): the demo investor's watchlist, one fund they do not hold among them.
# A NAV threshold is a share of the fund's latest NAV ("1.05": 5% above it), so it is not met
# yet; a daily move is in percent.
DEMO_WATCH = [
    ("202101", [("nav_above", "1.05"), ("announcement", None)]),
    ("519300", [("nav_below", "0.95"), ("daily_move", "1.50")]),
    ("202002", []),
]


def seed_watchlist(log) -> int:
    """Once: the demo investor's watchlist with a few alerts, waiting for the next NAV."""
    investor = get_user_model().objects.filter(email="investor@fortune.example").first()
    if investor is None or watch.watchlist_of(user=investor).exists():
        return 0
    alerts = 0
    for code, wanted in DEMO_WATCH:
        product = published_product(code)
        if product is None:
            continue
        watch.watch_add(user=investor, product=product)
        for kind, figure in wanted:
            threshold = None
            if kind in ("nav_above", "nav_below"):
                if product.latest_nav is None:
                    continue
                threshold = (product.latest_nav * Decimal(figure)).quantize(Decimal("0.0001"))
            elif figure is not None:
                threshold = Decimal(figure)
            watch.alert_create(user=investor, product=product, kind=kind, threshold=threshold)
            alerts += 1
    log(f"  watchlist: {alerts} alerts for {investor.email}")
    return alerts


def seed_page_views(log, *, days: int = 30) -> int:
    """Once: the last ``days`` days of page views of the published products (the daily counters
    of ``products.ProductPageViewDay``; nobody is tracked), a steady number a day per product
    that varies from day to day, so the portal dashboard has a conversion to show."""
    if ProductPageViewDay.objects.exists():
        return 0
    today = timezone.localdate()
    rows = []
    for product in Product.objects.filter(status="published").only("pk", "code", "slug"):
        seed = int(hashlib.sha256((product.code or product.slug).encode()).hexdigest()[:6], 16)
        base = 1 + seed % 5  # a few looks a day: the demo's few orders convert a few percent
        for offset in range(days):
            day = today - dt.timedelta(days=offset)
            views = base + (seed >> offset % 16) % 4
            rows.append(ProductPageViewDay(product=product, day=day, views=views))
    ProductPageViewDay.objects.bulk_create(rows, batch_size=1000)
    log(f"  page views: {len(rows)} product-days")
    return len(rows)
