"""``manage.py seed_scale``: a platform-sized data set loaded by COPY, consistent to the cent.

A few fund companies and their bond funds (with a NAV series over the past trading days) are
made through ``bench.fixtures`` first; then every investor is generated in Python and streamed
into PostgreSQL with ``COPY … FROM STDIN`` in chunks of in-memory text buffers: the user, a
verified e-mail address, a profile with a valid risk assessment, a cash account with a deposit
(payment and ledger entry) and orders over the past trading days in the states the services
would have left them in:

- a buy trades on its day T and is confirmed at NAV(T) on the next trading day (units, a lot,
  the holding), or was cancelled before the cut-off or rejected (its money refunded); a buy
  whose confirmation day has not come yet is pending (its money debited);
- a sell redeems one earlier lot whole: settled at NAV(T) (a lot movement, the proceeds paid
  into cash, the lot closed), or still pending (its units reserved on the holding).

Each investor's deposit covers all their buys, so no balance goes below zero, and every balance
is the sum of its entries. Once the rows are in, the sequences are moved past them, every month
before the current one is closed through the settlement service (statements are made the way
the month-end close makes them), and the tables are analysed. ``reconcile_cash`` and
``reconcile_statements`` pass on the result.

The load runs in one transaction with PostgreSQL's ``session_replication_role = replica``
(foreign-key triggers off: the generator writes only ids it made itself), so it is all or
nothing. It refuses SQLite and a database that already has orders, cash entries or statements.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from stdnum.cn import ric

from profiles.identity.documents import document_hash

NOT_POSTGRES = (
    "seed_scale loads with PostgreSQL's COPY; the database is {vendor}. "
    "Set DATABASE_URL=postgres://… and run it again."
)
NOT_EMPTY = (
    "The database already has {what}: seed_scale loads into a database without orders, cash "
    "entries or statements (create a fresh one, or run `manage.py flush`), so that every "
    "ledger it writes reconciles on its own."
)
BAD_COUNTS = "Give at least one investor and no negative number of orders."

EMAIL_DOMAIN = "scale.example"
INSTITUTIONS = (
    ("scale-harbour", "Harbour Funds"),
    ("scale-summit", "Summit Funds"),
    ("scale-jade", "Jade River Funds"),
    ("scale-lotus", "Lotus Funds"),
    ("scale-pine", "Pine Hill Funds"),
)
FUNDS_PER_INSTITUTION = 4
FUND_RISK_LEVELS = (1, 2, 2, 3)
SUBSCRIPTION_RATE_PER_MILLE = 15  # the typical schedule's band below 500,000: 1.5%
CITIES = ["beijing", "shanghai", "guangzhou", "shenzhen", "hangzhou", "chengdu", "wuhan", "other"]
INCOMES = ["under_50k", "50k_150k", "150k_500k", "500k_1m", "over_1m"]
GOALS = ["preserve_capital", "steady_income", "balanced_growth", "long_term_growth"]
EXPERIENCE = ["none", "under_2y", "2_5y", "over_5y"]
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Jie", "Tao", "Ming", "Hui", "Xin"]
# Birth dates 1955-01-01 … 2004-12-31, one per thousand user ids (a step coprime with the span
# visits each day once), and the id's last three digits as the card's sequence: every seeded
# resident ID number is different (up to 18 million investors).
BIRTH_FIRST = dt.date(1955, 1, 1)
BIRTH_SPAN = (dt.date(2004, 12, 31) - BIRTH_FIRST).days + 1
BIRTH_STEP = 7919
ID_REGION = "440305"  # Shenzhen, Nanshan
AMOUNTS = [1000, 2000, 3000, 5000, 5000, 8000, 10000, 10000, 20000, 30000, 50000, 100000]


def cohort(year: int) -> str:
    from profiles.models import age_cohort

    return str(age_cohort(year))


@dataclass
class Fund:
    id: int
    institution_id: int
    risk_level: int
    navs: list[int]  # NAV × 10,000 on each trading day, by day index


@dataclass
class Ids:
    """The next free id of each table (the load assigns them, then moves the sequences)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


TABLES = {
    "user": "profiles_user",
    "email": "account_emailaddress",
    "identity": "profiles_identity",
    "profile": "profiles_investorprofile",
    "assessment": "profiles_riskassessment",
    "account": "orders_cashaccount",
    "payment": "orders_payment",
    "entry": "orders_cashentry",
    "order": "orders_order",
    "event": "orders_orderevent",
    "holding": "orders_holding",
    "lot": "orders_lot",
    "movement": "orders_lotmovement",
}
COLUMNS = {
    "user": "id password is_superuser email is_staff is_active date_joined language",
    "email": "id user_id email verified primary",
    "identity": (
        "id user_id legal_name document_type document_number document_hash document_last4 "
        "date_of_birth nationality status provider provider_reference failure_reason "
        "submitted_at verified_at"
    ),
    "profile": (
        "id user_id full_name birth_year age_cohort city income_band investment_goal experience "
        "risk_level assessment_valid_until share_profile_with_institutions marketing_offers "
        "updated_at"
    ),
    "assessment": (
        "id user_id questionnaire_id answers score risk_level knocked_out taken_at valid_until"
    ),
    "account": "id user_id balance updated_at",
    "payment": (
        "id user_id direction amount status gateway payment_method provider_reference "
        "failure_reason created_at settled_at attempts last_error"
    ),
    "entry": "id account_id kind amount balance_after reference description created_at",
    "order": (
        "id user_id product_id institution_id kind side status amount units fee fee_rate "
        "net_amount nav trade_date expected_confirm_date placed_at confirmed_at confirmed_on "
        "settled_at cancelled_at suitability risk_acknowledged_version contract_upfront_basis "
        "idempotency_key request_hash gross_amount cost_basis instant subscription_rate "
        "redemption_tiers"
    ),
    "event": "id order_id actor_id from_status to_status reason created_at",
    "holding": (
        "id user_id product_id institution_id kind units reserved cost opened_at updated_at"
    ),
    "lot": (
        "id holding_id order_id source acquired_on units units_remaining cost_remaining "
        "closed_on redemption_tiers"
    ),
    "movement": (
        "id lot_id order_id kind units days_held gross fee_rate fee interest cost created_at"
    ),
}
N = "\\N"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def nav_text(nav: int) -> str:
    return f"{nav // 10000}.{nav % 10000:04d}"


class Clock:
    """Local times of the past trading days as COPY text (the business time zone's offset)."""

    def __init__(self):
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.offset: dict[dt.date, str] = {}

    def _offset(self, day: dt.date) -> str:
        delta = dt.datetime.combine(day, dt.time(12), self.zone).utcoffset() or dt.timedelta()
        minutes = int(delta.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        text = self.offset[day] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return text

    def at(self, day: dt.date, seconds: int) -> str:
        """``day`` at ``seconds`` after midnight, local time."""
        h, rest = divmod(seconds, 3600)
        offset = self.offset.get(day) or self._offset(day)
        return f"{day.isoformat()} {h:02d}:{rest // 60:02d}:{rest % 60:02d}{offset}"


@dataclass
class Context:
    rng: random.Random
    ids: Ids
    days: list[dt.date]  # past trading days, oldest first
    confirm_day: list[dt.date]  # the trading day after each (the confirmation day)
    today: dt.date
    funds: list[Fund]
    questionnaire_id: int
    clock: Clock
    encrypt: Callable[[str], str]


@dataclass
class OpenLot:
    id: int
    fund: Fund
    holding: list  # the holding's mutable row
    day: int
    units: int  # hundredths
    cost: int  # cents
    lot_row: list


class Buffers:
    """One in-memory text buffer per table, in COPY's text format."""

    def __init__(self):
        self.rows: dict[str, list[str]] = {name: [] for name in TABLES}
        self.count = 0

    def add(self, name: str, *values) -> None:
        self.rows[name].append("\t".join(values))
        self.count += 1

    def flush(self, cursor) -> int:
        written = self.count
        for name, rows in self.rows.items():
            if rows:
                buffer = io.StringIO("\n".join(rows) + "\n")
                columns = ", ".join(f'"{c}"' for c in COLUMNS[name].split())
                cursor.copy_expert(f"COPY {TABLES[name]} ({columns}) FROM STDIN", buffer)
                rows.clear()
        self.count = 0
        return written


def _investor(ctx: Context, out: Buffers, n_orders: int) -> None:  # noqa: C901, PLR0915
    """One investor with ``n_orders`` orders and everything they left behind."""
    rng, ids, days, clock = ctx.rng, ctx.ids, ctx.days, ctx.clock
    user = ids.take("user")
    first = days[0]
    joined = clock.at(first - dt.timedelta(days=rng.randint(1, 900)), rng.randint(28800, 79200))
    out.add("user", str(user), "!", "f", f"investor-{user}@{EMAIL_DOMAIN}", "f", "t", joined, "")
    out.add("email", str(ids.take("email")), str(user), f"investor-{user}@{EMAIL_DOMAIN}", "t", "t")
    level = rng.choices((1, 2, 3, 4, 5), weights=(10, 25, 35, 20, 10))[0]
    taken_day = days[rng.randrange(len(days) // 2 + 1)]
    taken = clock.at(taken_day, rng.randint(32400, 75600))
    valid_until = (taken_day + dt.timedelta(days=365)).isoformat()
    birth = BIRTH_FIRST + dt.timedelta(days=(user // 1000) * BIRTH_STEP % BIRTH_SPAN)
    year = birth.year
    name = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
    number = f"{ID_REGION}{birth:%Y%m%d}{user % 1000:03d}"
    number += ric.calc_check_digit(number + "0")  # it expects (and ignores) a check slot
    out.add("identity", str(ids.take("identity")), str(user), name, "resident_id",
            ctx.encrypt(number), document_hash("resident_id", number), number[-4:],
            birth.isoformat(), "CN", "verified", "sandbox", f"scale-{user}", "", joined,
            joined)  # fmt: skip
    out.add(
        "profile",
        str(ids.take("profile")),
        str(user),
        name,
        str(year),
        cohort(year),
        rng.choice(CITIES),
        rng.choice(INCOMES),
        GOALS[min(level - 1, len(GOALS) - 1)],
        rng.choice(EXPERIENCE),
        str(level),
        valid_until,
        "t" if rng.random() < 0.4 else "f",
        "t" if rng.random() < 0.3 else "f",
        taken,
    )
    out.add(
        "assessment",
        str(ids.take("assessment")),
        str(user),
        str(ctx.questionnaire_id),
        "{}",
        str(min(100, level * 20 - rng.randint(0, 15))),
        str(level),
        "f",
        taken,
        valid_until,
    )
    account = ids.take("account")
    suitable = [f for f in ctx.funds if f.risk_level <= level]
    entries: list[tuple[str, int, str, str, int]] = []  # (at, cents, kind, reference, order)
    holdings: dict[int, list] = {}
    open_lots: list[OpenLot] = []
    lots: list[list[str]] = []
    bought = 0
    for d in sorted(rng.randrange(len(days)) for _ in range(n_orders)):
        day, confirm = days[d], ctx.confirm_day[d]
        placed_s = rng.randint(34200, 53940)  # 09:30 – 14:59, before the cut-off
        placed = clock.at(day, placed_s)
        order = ids.take("order")
        done = confirm < ctx.today
        sellable = [lot for lot in open_lots if ctx.confirm_day[lot.day] <= day]
        out.add("event", str(ids.take("event")), str(order), str(user), "", "pending", "Placed.",
                placed)  # fmt: skip
        if sellable and rng.random() < 0.2:
            lot = sellable[0]
            open_lots.remove(lot)
            fund, units = lot.fund, lot.units
            status, amount, nav, gross, cost, confirmed, confirmed_on = ("pending",) + (N,) * 6
            if done:
                status, confirmed_on = "settled", confirm.isoformat()
                confirmed = clock.at(confirm, rng.randint(72000, 79200))
                nav_value = fund.navs[d]
                proceeds = (units * nav_value * 2 + 10000) // 20000
                amount, nav, gross, cost = (
                    money(proceeds),
                    nav_text(nav_value),
                    money(proceeds),
                    money(lot.cost),
                )
                movement = ids.take("movement")
                out.add("movement", str(movement), str(lot.id), str(order), "sale",
                        money(units), str((day - days[lot.day]).days), money(proceeds),
                        "0", "0.00", "0.00", money(lot.cost), confirmed)  # fmt: skip
                lot.lot_row[6], lot.lot_row[7], lot.lot_row[8] = "0.00", "0.00", day.isoformat()
                lot.holding[0] -= units
                lot.holding[2] -= lot.cost
                entries.append((confirmed, proceeds, "redemption", f"order:{order}", order))
                out.add("event", str(ids.take("event")), str(order), N, "pending", "confirmed",
                        f"Confirmed at NAV {nav} of {day}.", confirmed)  # fmt: skip
                out.add("event", str(ids.take("event")), str(order), N, "confirmed", "settled",
                        f"{proceeds / 100:,.2f} paid into your cash.", confirmed)  # fmt: skip
            else:
                lot.holding[1] += units
            out.add("order", str(order), str(user), str(fund.id), str(fund.institution_id),
                    "fund", "sell", status, amount, money(units), "0.00" if done else N,
                    "0.000000" if done else N, N, nav, day.isoformat(), confirm.isoformat(),
                    placed, confirmed, confirmed_on, confirmed, N, "", "", "", "", "", gross,
                    cost, "f", N, N)  # fmt: skip
            continue
        fund = suitable[rng.randrange(len(suitable))]
        cents = rng.choice(AMOUNTS) * 100 + rng.choice((0, 0, 0, rng.randint(1, 999) * 100))
        bought += cents
        net = (cents * 2000 + 1000 + SUBSCRIPTION_RATE_PER_MILLE) // (
            2 * (1000 + SUBSCRIPTION_RATE_PER_MILLE)
        )
        fee = cents - net
        entries.append((placed, -cents, "purchase", f"order:{order}", order))
        status, units, nav, confirmed, confirmed_on, cancelled = "pending", N, N, N, N, N
        fee_text, net_text = N, N
        roll = rng.random()
        if done and roll < 0.04:
            status = "cancelled"
            cancelled = clock.at(day, min(53999, placed_s + rng.randint(60, 1800)))
            entries.append((cancelled, cents, "refund", f"order:{order}", order))
            out.add("event", str(ids.take("event")), str(order), str(user), "pending",
                    "cancelled", "Cancelled by the investor.", cancelled)  # fmt: skip
        elif done and roll < 0.06:
            status = "rejected"
            cancelled = clock.at(confirm, rng.randint(72000, 79200))
            entries.append((cancelled, cents, "refund", f"order:{order}", order))
            out.add("event", str(ids.take("event")), str(order), N, "pending", "rejected",
                    "Rejected by the fund company.", cancelled)  # fmt: skip
            cancelled = N  # a rejection is not a cancellation
        elif done:
            status, confirmed_on = "confirmed", confirm.isoformat()
            confirmed = clock.at(confirm, rng.randint(72000, 79200))
            nav_value = fund.navs[d]
            issued = net * 10000 // nav_value
            units, nav, fee_text, net_text = (
                money(issued),
                nav_text(nav_value),
                money(fee),
                money(net),
            )
            holding = holdings.get(fund.id)
            if holding is None:
                holding = holdings[fund.id] = [0, 0, 0, ids.take("holding"), fund, confirmed]
            holding[0] += issued
            holding[2] += cents
            holding[5] = confirmed
            lot_id = ids.take("lot")
            lot_row = [str(lot_id), str(holding[3]), str(order), "purchase", day.isoformat(),
                       units, units, money(cents), N, "[]"]  # fmt: skip
            open_lots.append(OpenLot(lot_id, fund, holding, d, issued, cents, lot_row))
            lots.append(lot_row)
            out.add("event", str(ids.take("event")), str(order), N, "pending", "confirmed",
                    f"Confirmed at NAV {nav} of {day}.", confirmed)  # fmt: skip
        out.add("order", str(order), str(user), str(fund.id), str(fund.institution_id), "fund",
                "buy", status, money(cents), units, fee_text,
                "0.015000" if status == "confirmed" else N, net_text, nav, day.isoformat(),
                confirm.isoformat(), placed, confirmed, confirmed_on, N,
                cancelled if status == "cancelled" else N, "allowed", "", "", "", "", N, N,
                "f", "0.015000", "[]")  # fmt: skip
    # The holdings and lots, now that every sale has taken what it took.
    for units, reserved, cost, holding_id, fund, updated in holdings.values():
        out.add("holding", str(holding_id), str(user), str(fund.id), str(fund.institution_id),
                "fund", money(units), money(reserved), money(cost), updated, updated)  # fmt: skip
    for lot_row in lots:
        out.add("lot", *lot_row)
    # The deposit that paid for it all, then the ledger in time order.
    deposit = bought + rng.randint(0, 200) * 10000 + 100000
    paid_day = days[0] - dt.timedelta(days=1 + rng.randint(0, 30))
    paid_at = clock.at(paid_day, rng.randint(28800, 79200))
    payment = ids.take("payment")
    out.add("payment", str(payment), str(user), "deposit", money(deposit), "succeeded", "sandbox",
            "sandbox_ok", f"scale-{payment}", "", paid_at, paid_at, "1", "")  # fmt: skip
    entries.append((paid_at, deposit, "deposit", f"payment:{payment}", 0))
    entries.sort()
    balance = 0
    descriptions = {"deposit": "Deposit", "purchase": "Buy", "refund": "Refund",
                    "redemption": "Redemption"}  # fmt: skip
    for at, cents, kind, reference, _ in entries:
        balance += cents
        out.add("entry", str(ids.take("entry")), str(account), kind, money(cents), money(balance),
                reference, descriptions[kind], at)  # fmt: skip
    out.add("account", str(account), str(user), money(balance), entries[-1][0])


def trading_days(today: dt.date, count: int) -> tuple[list[dt.date], list[dt.date]]:
    """The ``count`` trading days before ``today`` (oldest first) and each one's next
    trading day (its confirmation day)."""
    from orders.calendar import holidays_between, is_trading_day

    holidays = holidays_between(today - dt.timedelta(days=count * 2 + 30), today)
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < count:
        if is_trading_day(day, holidays=holidays):
            days.append(day)
        day -= dt.timedelta(days=1)
    days.reverse()
    confirm = days[1:] + [today if is_trading_day(today, holidays=holidays) else _next(today)]
    return days, confirm


def _next(day: dt.date) -> dt.date:
    from orders.calendar import next_trading_day

    return next_trading_day(day)


@dataclass
class Result:
    investors: int = 0
    orders: int = 0
    rows: int = 0
    statements: int = 0
    seconds: float = 0.0
    generate_seconds: float = 0.0  # building the rows in Python
    copy_seconds: float = 0.0  # PostgreSQL taking them in
    close_seconds: float = 0.0  # closing the months' statements
    index_seconds: float = 0.0  # building the secondary indexes again
    analyse_seconds: float = 0.0  # VACUUM ANALYZE
    by_table: dict[str, int] = field(default_factory=dict)


def check_database() -> None:
    """Refuse what the load cannot keep consistent (``ValueError`` says why)."""
    from orders.models import CashEntry, Order, Statement

    if connection.vendor != "postgresql":
        raise ValueError(NOT_POSTGRES.format(vendor=connection.vendor))
    for model, what in ((Order, "orders"), (CashEntry, "cash entries"), (Statement, "statements")):
        if model.objects.exists():
            raise ValueError(NOT_EMPTY.format(what=what))


def order_counts(investors: int, orders: int, rng: random.Random) -> Iterator[int]:
    """How many orders each investor places: ``orders`` in all, between none and about twice
    the mean, in a random order."""
    base, extra = divmod(orders, investors)
    for i in range(0, investors - 1, 2):  # pairs that add up to twice the mean
        shift = rng.randint(0, base)
        yield base - shift + (i < extra)
        yield base + shift + (i + 1 < extra)
    if investors % 2:
        yield base + (investors - 1 < extra)


def catalogue(rng: random.Random, days: list[dt.date]) -> list[Fund]:
    """The fund companies and their funds (with their NAV series), made or reused through the
    benchmark fixtures."""
    from bench.fixtures import bench_funds, bench_institution
    from products.models import NavPrice

    funds = []
    for n, (slug, name) in enumerate(INSTITUTIONS):
        institution = bench_institution(slug=slug, name=name, licence=f"SCALE-{n + 1}")
        for product in bench_funds(
            institution,
            FUNDS_PER_INSTITUTION,
            days=days,
            rng=rng,
            code_prefix=f"{n + 1}9",
            risk_levels=FUND_RISK_LEVELS,
        ):
            by_day = dict(
                NavPrice.objects.filter(product=product, date__in=days).values_list("date", "nav")
            )
            funds.append(
                Fund(
                    id=product.pk,
                    institution_id=institution.pk,
                    risk_level=product.risk_level,
                    navs=[int(by_day[day] * 10000) for day in days],
                )
            )
    return funds


def _next_ids(cursor) -> Ids:
    ids = Ids()
    for name, table in TABLES.items():
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        ids.next[name] = cursor.fetchone()[0]
    return ids


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint (building one index at the end
    is many times faster than keeping it up to date row by row) and return the statements
    that make them again, exactly as they were. Primary keys and unique constraints stay."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [list(TABLES.values())],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in found]


def _move_sequences(cursor) -> None:
    """Each sequence past the ids the load wrote, so the app creates rows after them."""
    for table in TABLES.values():
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )


def seed_scale(
    *,
    investors: int,
    orders: int,
    seed: int = 0,
    days: int = 60,
    chunk: int = 20_000,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    phase: Callable[[str], None] = lambda name: None,
) -> Result:
    """Load ``investors`` investors and ``orders`` orders over the ``days`` trading days before
    ``today`` (see the module's docstring). ``progress(investors_done, rows_done)`` is called
    after each chunk, ``phase(what)`` when a step after the load begins. The same ``seed``
    loads the same rows into an empty database."""
    import time

    from django.utils import timezone

    from orders.services import close_month
    from profiles.models import Identity, Questionnaire

    if investors < 1 or orders < 0:
        raise ValueError(BAD_COUNTS)
    check_database()
    started = time.monotonic()
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible by its seed)
    trading, confirm = trading_days(today, days)
    result = Result()
    with transaction.atomic():
        funds = catalogue(rng, trading)
        questionnaire = Questionnaire.objects.filter(is_active=True).first()
        if questionnaire is None:
            questionnaire = Questionnaire.objects.create(
                version="scale-v1", title="Risk questionnaire", is_active=True
            )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            ids = _next_ids(cursor)
            first_order = ids.next["order"]
            indexes = _drop_secondary_indexes(cursor)
            encrypt = Identity._meta.get_field("document_number").get_prep_value
            ctx = Context(
                rng, ids, trading, confirm, today, funds, questionnaire.pk, Clock(), encrypt
            )
            out = Buffers()
            mark = time.monotonic()
            for n, count in enumerate(order_counts(investors, orders, rng), start=1):
                _investor(ctx, out, count)
                if n % chunk == 0 or n == investors:
                    for name, rows in out.rows.items():
                        result.by_table[name] = result.by_table.get(name, 0) + len(rows)
                    copying = time.monotonic()
                    result.generate_seconds += copying - mark
                    result.rows += out.flush(cursor)
                    mark = time.monotonic()
                    result.copy_seconds += mark - copying
                    if progress:
                        progress(n, result.rows)
            phase("Closing the months' statements")
            closing = time.monotonic()
            # Every month before the current one closed, oldest first, as the month-end
            # close does (before the indexes are back: attaching orders rewrites their rows).
            month = trading[0].replace(day=1)
            while month < today.replace(day=1):
                result.statements += len(close_month(month=month, today=today))
                month = (month + dt.timedelta(days=32)).replace(day=1)
            result.close_seconds = time.monotonic() - closing
            phase(f"Building {len(indexes)} indexes again")
            indexing = time.monotonic()
            for definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET LOCAL session_replication_role = origin")
            _move_sequences(cursor)
            result.index_seconds = time.monotonic() - indexing
    result.investors = investors
    result.orders = ids.next["order"] - first_order
    phase("VACUUM ANALYZE")
    analysing = time.monotonic()
    # The statements rewrote the orders they took: VACUUM clears the old row versions (it
    # cannot run inside a transaction, as in a test; ANALYZE alone then).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(f"{command} {table}")
    result.analyse_seconds = time.monotonic() - analysing
    result.seconds = time.monotonic() - started
    return result
