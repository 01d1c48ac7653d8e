"""One generated investor and everything the services would have left behind: the made-up
names, ages and amounts, and the rows of the user, profile, cash, orders, holdings and lots."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum.cn import ric

from profiles.identity.documents import document_hash

from .copy_text import Buffers, Clock, N, money, nav_text

EMAIL_DOMAIN = "scale.example"
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
