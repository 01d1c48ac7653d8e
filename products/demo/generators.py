"""Pure, deterministic generators of demo fund data: NAV walks, money-market yields, fee
schedules, terms, texts and synthetic fund specs; seeded per fund code, so ``bench/catalogue.py``
reuses them to fill a large catalogue."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from institutions.models import Institution
from marketplace.holidays import is_market_holiday
from marketplace.money import round_nav

from ..fees import Tier, parse_tiers
from ..models import FundType
from .listings import BOND, EQUITY, HISTORY_MONTHS, INDEX, MIXED, MM, FundSpec

# Annual drift and volatility of the simulated NAV, by fund type (equity R5 swings the most).
WALK = {
    FundType.BOND: (0.032, 0.018),
    FundType.MIXED: (0.05, 0.13),
    FundType.INDEX: (0.04, 0.21),
    FundType.EQUITY: (0.06, 0.22),
}
EQUITY_R5_VOLATILITY = 0.30
MANAGEMENT_FEE = {  # (low, high) annual management fee, as a fraction
    FundType.MONEY_MARKET: ("0.0015", "0.0033"),
    FundType.BOND: ("0.0030", "0.0070"),
    FundType.MIXED: ("0.0100", "0.0150"),
    FundType.EQUITY: ("0.0120", "0.0150"),
    FundType.INDEX: ("0.0015", "0.0050"),
}
CUSTODY_FEE = {
    FundType.MONEY_MARKET: "0.0005",
    FundType.BOND: "0.0010",
    FundType.MIXED: "0.0025",
    FundType.EQUITY: "0.0025",
    FundType.INDEX: "0.0010",
}
REDEMPTION_TIERS = "0 - 7 : 1.5%\n7 - 30 : 0.75%\n30 - 365 : 0.5%\n365 - 730 : 0.25%\n730 - : 0%"


def _is_trading_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_market_holiday(day)


def last_trading_day(today: dt.date) -> dt.date:
    """The last trading day before ``today``: today's NAV is published after the close."""
    day = today - dt.timedelta(days=1)
    while not _is_trading_day(day):
        day -= dt.timedelta(days=1)
    return day


def trading_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Trading days from ``start`` to ``end`` inclusive: weekdays less the market's public
    holidays (``marketplace.holidays``, which ``seed_demo`` also loads into the holiday table)."""
    days, day = [], start
    while day <= end:
        if _is_trading_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def nav_walk(
    *, code: str, fund_type: str, risk_level: int, days: list[dt.date], start_nav: str | None = None
) -> list[tuple[dt.date, str]]:
    """A seeded random walk of daily NAVs (4 dp strings) over ``days``.

    ``random.Random(code)`` makes a fund's history the same on every run; ``start_nav`` continues
    an existing series (the top-up on a later run). The random steps are floats; the NAV itself
    is a Decimal, and what leaves is the 4-dp text an institution would upload.
    """
    rng = random.Random(code if start_nav is None else f"{code}:{days[0]}")  # noqa: S311
    drift, volatility = WALK[fund_type]
    if fund_type == FundType.EQUITY and risk_level >= 5:
        volatility = EQUITY_R5_VOLATILITY
    drift += rng.gauss(0, volatility / 4)  # each fund has its own manager
    daily_drift, daily_vol = drift / 250, volatility / math.sqrt(250)
    if start_nav is not None:
        nav = Decimal(start_nav)
    else:
        nav = Decimal(1) if len(days) < 250 else Decimal(f"{1 + rng.uniform(-0.05, 0.25):.6f}")
    floor = Decimal("0.05")
    series = []
    for n, day in enumerate(days):
        if n or start_nav is not None:
            step = Decimal(f"{daily_drift + daily_vol * rng.gauss(0, 1):.8f}")
            nav = max(floor, nav * (1 + step))
        series.append((day, f"{round_nav(nav)}"))
    return series


def _annual_yield(code: str, day: dt.date) -> float:
    """A money-market fund's annualised yield on ``day``: a slow swing around the fund's own
    level plus a little daily noise, between 1.3% and 2.0%; a pure function of (code, day), so
    a later rerun continues the same series."""
    rng = random.Random(f"{code}:yield")  # noqa: S311
    level, phase = rng.uniform(0.0150, 0.0172), rng.uniform(0, 2 * math.pi)
    swing = 0.0022 * math.sin(2 * math.pi * day.toordinal() / 410 + phase)
    noise = random.Random(f"{code}:yield:{day}").gauss(0, 0.0004)  # noqa: S311
    return min(max(level + swing + noise, 0.0130), 0.0200)


def yield_walk(*, code: str, days: list[dt.date]) -> list[tuple[dt.date, str, str]]:
    """Daily money-market figures over ``days`` (calendar days): ``(day, income per 10,000
    units (4 dp), 7-day annualised yield (fraction, 6 dp))``, as an institution uploads them.
    The 7-day yield is the last seven days' income per unit, annualised."""

    def income(day: dt.date) -> Decimal:
        return Decimal(f"{_annual_yield(code, day) / 365 * 10000:.4f}")

    series = []
    for day in days:
        week = sum(income(day - dt.timedelta(days=n)) for n in range(7))
        seven_day = (week / 10000 * 365 / 7).quantize(Decimal("0.000001"))
        series.append((day, f"{income(day)}", f"{seven_day}"))
    return series


def calendar_days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _pick(rng: random.Random, low: str, high: str) -> Decimal:
    steps = int((Decimal(high) - Decimal(low)) / Decimal("0.0001"))
    return Decimal(low) + Decimal("0.0001") * rng.randint(0, steps)


def fund_terms(*, code: str, fund_type: str) -> dict:
    rng = random.Random(f"{code}:terms")  # noqa: S311
    terms = {
        "management_fee_rate": _pick(rng, *MANAGEMENT_FEE[fund_type]),
        "custody_fee_rate": Decimal(CUSTODY_FEE[fund_type]),
    }
    return terms


def fund_fee_tiers(*, code: str, fund_type: str) -> dict[str, list[Tier]]:
    """DESIGN §4's typical schedules; the first subscription rate varies a little by fund."""
    if fund_type == FundType.MONEY_MARKET:
        return {}
    if fund_type == FundType.INDEX:
        subscription = "0 - 500000 : 0.5%\n500000 - 1000000 : 0.3%\n1000000 - 5000000 : 0.1%\n"
    else:
        first = random.Random(f"{code}:fees").choice(["1.2", "1.3", "1.5", "1.5", "1.5"])  # noqa: S311
        subscription = f"0 - 500000 : {first}%\n500000 - 1000000 : 1%\n1000000 - 5000000 : 0.5%\n"
    return {
        "subscription": parse_tiers(subscription + "5000000 - : fixed 1000"),
        "redemption": parse_tiers(REDEMPTION_TIERS),
    }


def fund_summary(spec: FundSpec) -> str:
    theme = spec.theme
    return {
        FundType.MONEY_MARKET: (
            "Cash management: deposits, repos and short-term bills; "
            "redeem up to 10,000 a day instantly."
        ),
        FundType.BOND: f"Invests mainly in {theme} bonds, aiming for steady income.",
        FundType.MIXED: f"Moves between {theme} shares and bonds as markets change.",
        FundType.EQUITY: f"A concentrated portfolio of {theme} companies in China and Hong Kong.",
        FundType.INDEX: f"Tracks the {theme} closely, at a low cost.",
    }[spec.fund_type]


def fund_description(spec: FundSpec) -> str:
    body = {
        FundType.MONEY_MARKET: (
            "The fund holds bank deposits, reverse repos, central-bank bills and commercial paper "
            "maturing within 397 days. The NAV stays at 1.0000 and income accrues every day, "
            "including weekends and holidays. There are no subscription or redemption fees."
        ),
        FundType.BOND: (
            f"The fund holds at least four fifths of its assets in {spec.theme} bonds and keeps "
            "a modest share in cash. It buys no shares. Bond prices fall when interest rates "
            "rise, so the value of your holding can go down as well as up."
        ),
        FundType.MIXED: (
            f"The manager invests in {spec.theme} shares and in bonds, and changes the mix as "
            "valuations and the economy change. Expect moderate price swings; you may lose part "
            "of what you invest."
        ),
        FundType.EQUITY: (
            f"The fund invests most of its assets in {spec.theme} companies chosen by its "
            "research team, holding 40 to 60 stocks. Share prices can swing widely and you "
            "could lose a sizeable part of what you invest, especially over shorter periods."
        ),
        FundType.INDEX: (
            f"The fund buys the shares of the {spec.theme} in their index weights and rebalances "
            "when the index changes. It does not try to beat the index, so its value moves with "
            "the market as a whole."
        ),
    }[spec.fund_type]
    return f"{body} Risk level R{spec.risk}. Read the prospectus before you invest."


def synthetic_fund_specs(count: int, *, institutions: list[Institution]) -> list[FundSpec]:
    """``count`` more funds with plausible names and unique codes (900000 upwards), spread over
    ``institutions`` — for the catalogue benchmark."""
    themes = {
        FundType.BOND: ["Treasury", "Credit", "Convertible", "Short-term", "Pure", "Green"],
        FundType.MIXED: ["Balanced", "Flexible", "Growth", "Income", "Value", "Dynamic"],
        FundType.EQUITY: ["Consumer", "Healthcare", "Technology", "Dividend", "Industrial"],
        FundType.INDEX: ["CSI 300", "CSI 500", "CSI 1000", "SSE 50", "ChiNext", "STAR 50"],
        FundType.MONEY_MARKET: ["Cash", "Treasury Cash", "Daily"],
    }
    styles = ["Select", "Prosperity", "Harvest", "Advantage", "Pioneer", "Steady", "Vision"]
    mix = [BOND, BOND, MIXED, MIXED, EQUITY, EQUITY, INDEX, INDEX, MM]
    specs, names = [], set()
    for n in range(count):
        rng = random.Random(f"synthetic:{n}")  # noqa: S311
        institution = institutions[n % len(institutions)]
        house = institution.name.split(" Fund")[0].split(" Commercial")[0].split(" Asset")[0]
        fund_type = mix[n % len(mix)]
        word = rng.choice(themes[fund_type])
        theme = f"{word} Index" if fund_type == INDEX else word.lower()
        label = {MM: "Money Market", BOND: "Bond", MIXED: "Mixed", EQUITY: "Equity"}.get(
            fund_type, "Index"
        )
        risk = rng.choice([4, 5]) if fund_type == EQUITY else None
        name = f"{house} {word} {rng.choice(styles)} {label} {rng.choice('AC')}"
        while name in names:
            name += " II" if not name.endswith("I") else "I"
        names.add(name)
        specs.append(
            FundSpec(
                institution=institution.slug,
                code=f"{900000 + n:06d}",
                name=name,
                fund_type=fund_type,
                min_purchase=rng.choice([1, 10, 10, 100, 1000]),
                theme=theme,
                risk_level=risk,
                launch_months=rng.choice([HISTORY_MONTHS] * 5 + [4, 9]),
            )
        )
    return specs
