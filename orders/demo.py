"""Demo portfolios: the demo investors' past purchases, each confirmed by a real end-of-day run,
so ``/me/portfolio/`` shows lots, P&L and money-market income on a fresh machine, and the
institutions' past months are closed into statements.

The demo is honest about time: the trading calendar holds the market's public holidays for the
years the demo covers, and every step runs under ``demo_clock`` at the moment it stands for (a
top-up before the first purchase, each order at 10:00 on its trading day, each end of day at
22:30 that evening, each month closed on the 1st of the next), so order events and cash
entries carry the dates they happened, not the time ``seed_demo`` ran."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric

from institutions.demo import STAFF_EMAIL
from marketplace.dates import month_start, next_month_start
from marketplace.holidays import COVERED_YEARS, MAINLAND_MARKET_HOLIDAYS
from marketplace.money import round_units
from products.demo.generators import last_trading_day
from products.models import Product, ProductKind, ProductPageViewDay
from profiles.identity.documents import document_hash
from profiles.identity.models import DocumentType, Identity, IdentityStatus
from profiles.identity.selectors import verified_identity
from profiles.selectors import profile_of

from . import services
from .calendar import next_trading_day
from .campaigns.services import campaign_launch, campaign_save
from .cash import selectors as card_selectors
from .cash.gateway import SANDBOX_CARDS
from .cash.services import card_bind
from .coupons.models import Coupon, CouponKind
from .coupons.services import coupon_create, coupon_grant
from .insight import watch
from .models import Holding, Holiday, Order, Payment
from .plans.distributions.models import Distribution
from .plans.distributions.services import (
    distribution_approve,
    distribution_declare,
    distributions_pay,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")

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
# (fund code, amount per unit, days ago it was declared): investor@ holds the bond fund and was
# paid this one in cash; investor2@ holds the index fund, whose next one (declared today) has its
# record date about two weeks ahead.
PAID_DISTRIBUTION = ("202101", "0.0120", 50)
UPCOMING_DISTRIBUTION = ("519300", "0.0300", 14)
DEMO_CASH = {
    "investor@fortune.example": "100000.00",
    "investor2@fortune.example": "500000.00",
    "senior@fortune.example": "50000.00",
}
# Where the demo logins' resident IDs were issued (Hangzhou, Shanghai), and their bound card:
# the sandbox's test card whose payments succeed.
DEMO_REGIONS = {"investor@fortune.example": "330106", "investor2@fortune.example": "310101"}
DEMO_CARD_NUMBER = SANDBOX_CARDS[0].number


@contextmanager
def demo_clock(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (demo data only): ``timezone.now()`` and every
    model field defaulting to it answer ``moment`` plus a microsecond per call, so rows keep
    their order. Never later than the real time."""
    real_now = timezone.now
    moment = min(moment, real_now())
    ticks = itertools.count()

    def now() -> dt.datetime:
        return moment + dt.timedelta(microseconds=next(ticks))

    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "default", None) is real_now
    ]
    cached = [(field, field.__dict__.get("_get_default")) for field in fields]
    timezone.now = now
    for field in fields:
        field.__dict__["_get_default"] = now
    try:
        yield
    finally:
        timezone.now = real_now
        for field, before in cached:
            if before is None:
                field.__dict__.pop("_get_default", None)
            else:
                field.__dict__["_get_default"] = before


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def seed_holidays(log) -> int:
    """The market's public holidays for the years the demo covers, in the staff-edited table
    (through the staff service), before any demo order is placed."""
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    have = set(Holiday.objects.values_list("date", flat=True))
    added = 0
    for day, name in sorted(MAINLAND_MARKET_HOLIDAYS.items()):
        if day.year in COVERED_YEARS and day not in have:
            services.holiday_add(actor=staff, date=day, name=name)
            added += 1
    if added:
        log(f"  trading calendar: {added} public holidays added")
    return added


def _product(code_or_kind: str) -> Product | None:
    products = Product.objects.filter(status="published")
    if code_or_kind in ProductKind.values:
        return products.filter(kind=code_or_kind).order_by("risk_level", "pk").first()
    return products.filter(code=code_or_kind).first()


def _buy_day(today: dt.date, days_ago: int) -> dt.date:
    return last_trading_day(today - dt.timedelta(days=days_ago))


def _demo_identity(user, *, region: str) -> None:
    """A verified resident identity for a demo login that has none yet (in its profile's name,
    born on 4 May of its birth year): cards are bound in a verified name only."""
    if verified_identity(user=user) is not None:
        return
    profile = profile_of(user=user)
    birth = dt.date(getattr(profile, "birth_year", None) or 1990, 5, 4)
    body = f"{region}{birth:%Y%m%d}{user.pk % 1000:03d}"
    number = body + ric.calc_check_digit(body + "0")
    now = timezone.now()
    Identity.objects.create(
        user=user,
        legal_name=getattr(profile, "full_name", "") or user.email,
        document_type=DocumentType.RESIDENT_ID,
        document_number=number,
        document_hash=document_hash(DocumentType.RESIDENT_ID, number),
        document_last4=number[-4:],
        date_of_birth=birth,
        nationality="CN",
        status=IdentityStatus.VERIFIED,
        provider="sandbox",
        submitted_at=now,
        verified_at=now,
    )


def demo_card(user):
    """The demo login's default bound sandbox card (charges succeed), bound once."""
    return card_selectors.default_card(user=user) or card_bind(
        user=user, card_number=DEMO_CARD_NUMBER
    )


def seed_cash(log, *, today: dt.date | None = None) -> int:
    """Bind each demo investor a sandbox card and top up their cash from it once, the morning
    before their first demo purchase."""
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(list(DEMO_CASH), field_name="email")
    first_buy = _buy_day(today, max(days_ago for *_, days_ago in DEMO_BUYS))
    topped = 0
    for email, amount in DEMO_CASH.items():
        user = users.get(email)
        if user is None or Payment.objects.filter(user=user).exists():
            continue
        if not any(buyer == email for buyer, *_ in DEMO_BUYS):
            # No demo history (the senior login, verified today): bind and top up now.
            services.deposit_start(user=user, amount=amount, card=demo_card(user))
            topped += 1
            continue
        with demo_clock(at(first_buy - dt.timedelta(days=2), 9)):
            _demo_identity(user, region=DEMO_REGIONS.get(email, "110101"))
            card = demo_card(user)
        with demo_clock(at(first_buy - dt.timedelta(days=1), 9)):
            services.deposit_start(user=user, amount=amount, card=card)
        topped += 1
    return topped


def seed_portfolios(log) -> int:
    """Place the demo purchases (once per investor), each confirmed by the end-of-day run of its
    own trade date, then close the months that are over, so the portal has statements."""
    users = get_user_model().objects.in_bulk({email for email, *_ in DEMO_BUYS}, field_name="email")
    fresh = {email for email, user in users.items() if not Order.objects.filter(user=user).exists()}
    today = timezone.localdate()
    # Only with the holder's purchases of this run: added to an older demo its cash entry would
    # come after later ones in the ledger.
    paid = _PaidDistribution(today, enabled="investor@fortune.example" in fresh)
    placed = 0
    trades = [(email, code, "buy", amount, ago) for email, code, amount, ago in DEMO_BUYS]
    trades += [(email, code, "sell", share, ago) for email, code, share, ago in DEMO_SELLS]
    for email, code, side, figure, days_ago in sorted(trades, key=lambda trade: -trade[4]):
        product = _product(code)
        if email not in fresh or product is None:
            continue
        moment = at(_buy_day(today, days_ago), 10)
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
    _declare_upcoming_distribution(today)
    return placed


def _share_of_holding(user, product: Product, share: str) -> Decimal | None:
    holding = Holding.objects.filter(user=user, product=product).first()
    if holding is None:
        return None
    return round_units(holding.available * Decimal(share)) or None


def _fund_editor(product: Product):
    for membership in product.institution.memberships.select_related("user").order_by("pk"):
        if membership.has_role("editor"):
            return membership.user
    return None


class _PaidDistribution:
    """The demo's paid distribution (once): declared by the fund's editor, approved by staff the
    next trading day, paid in cash by its pay date's run, each step at the moment it stands for
    and in date order among the demo purchases."""

    def __init__(self, today: dt.date, *, enabled: bool):
        code, self.amount, days_ago = PAID_DISTRIBUTION
        self.fund = _product(code)
        self.editor = _fund_editor(self.fund) if self.fund else None
        declared = last_trading_day(today - dt.timedelta(days=days_ago))
        self.record = next_trading_day(next_trading_day(declared))
        self.ex = next_trading_day(self.record)
        self.pay = next_trading_day(self.ex)
        self.steps = [
            (declared, self._declare),
            (next_trading_day(declared), self._approve),
            (self.pay, self._pay),
        ]
        if (
            not enabled
            or self.editor is None
            or self.pay >= today
            or Distribution.objects.filter(product=self.fund).exists()
        ):
            self.steps = []
        self.distribution: Distribution | None = None

    def run_until(self, day: dt.date) -> None:
        """Run the steps dated before ``day``."""
        while self.steps and self.steps[0][0] < day:
            when, step = self.steps.pop(0)
            step(when)

    def _declare(self, day: dt.date) -> None:
        with demo_clock(at(day, 11)):
            self.distribution = distribution_declare(
                institution=self.fund.institution,
                product=self.fund,
                actor=self.editor,
                amount_per_unit=self.amount,
                record_date=self.record,
                ex_date=self.ex,
                pay_date=self.pay,
            )

    def _approve(self, day: dt.date) -> None:
        staff = get_user_model().objects.get(email=STAFF_EMAIL)
        with demo_clock(at(day, 9, 30)):
            distribution_approve(
                distribution=self.distribution, actor=staff, reason="Board resolution checked."
            )

    def _pay(self, day: dt.date) -> None:
        with demo_clock(at(day, 22, 30)):
            distributions_pay(run_date=day)


def _declare_upcoming_distribution(today: dt.date) -> None:
    """Once: the next distribution of investor2@'s index fund, declared and approved today, its
    record date about two weeks ahead (investor2@ can still change the election for it)."""
    code, amount, days_ahead = UPCOMING_DISTRIBUTION
    fund = _product(code)
    editor = _fund_editor(fund) if fund else None
    if editor is None or Distribution.objects.filter(product=fund).exists():
        return
    record = next_trading_day(today + dt.timedelta(days=days_ahead - 1))
    ex = next_trading_day(record)
    distribution = distribution_declare(
        institution=fund.institution,
        product=fund,
        actor=editor,
        amount_per_unit=amount,
        record_date=record,
        ex_date=ex,
        pay_date=next_trading_day(ex),
    )
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    distribution_approve(distribution=distribution, actor=staff, reason="Board resolution checked.")


DEMO_CARD = "Half-fee welcome card"


def seed_after_sales(log) -> int:
    """Once: a half-fee card of the first demo fund's institution in the demo investor's wallet,
    and that institution's after-purchase campaign carrying it (offers follow later purchases)."""
    fund = _product("202101")
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
        product = _product(code)
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
