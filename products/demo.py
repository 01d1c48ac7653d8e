"""Demo listings for ``seed_demo``: funds with two years of NAV (money-market funds: two years
of daily yields), insurance, savings and articles.

Everything goes through the services (create → submit → staff approval → NAV upload → articles),
so the audit trail, the denormalised NAV figures and the marketing check are the real ones.
Idempotent: a listing whose fund code (or, for insurance and savings, slug) already exists is
skipped, and a rerun on a later day only tops up the NAV series of the published funds.

The generators (:func:`nav_walk`, :func:`fund_fee_tiers`, :func:`fund_terms`,
:func:`synthetic_fund_specs`) are pure and deterministic per fund code, so ``bench/catalogue.py``
reuses them to fill a large catalogue.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from institutions.demo import STAFF_EMAIL
from institutions.models import Institution, InstitutionType, Membership, ProductKind, Role
from marketplace.dates import months_before
from marketplace.holidays import is_market_holiday
from marketplace.money import format_rate, round_nav

from . import services, yields
from .documents import minimal_pdf
from .fees import Tier, parse_tiers
from .models import (
    REQUIRED_DOCUMENTS,
    TERMS_FIELDS,
    Article,
    ArticleKind,
    ArticleStatus,
    DocumentKind,
    FundType,
    Product,
    ProductStatus,
)
from .report_demo import seed_reports

PUBLISHED, IN_REVIEW, DRAFT = ProductStatus.PUBLISHED, ProductStatus.IN_REVIEW, ProductStatus.DRAFT
PLATFORM = "fortune-market"
HISTORY_MONTHS = 24

# Annual drift and volatility of the simulated NAV, by fund type (equity R5 swings the most).
WALK = {
    FundType.BOND: (0.032, 0.018),
    FundType.MIXED: (0.05, 0.13),
    FundType.INDEX: (0.04, 0.21),
    FundType.EQUITY: (0.06, 0.22),
}
EQUITY_R5_VOLATILITY = 0.30
DEFAULT_RISK = {
    FundType.MONEY_MARKET: 1,
    FundType.BOND: 2,
    FundType.MIXED: 3,
    FundType.INDEX: 4,
    FundType.EQUITY: 4,
}
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


@dataclass(frozen=True)
class FundSpec:
    institution: str  # slug
    code: str
    name: str
    fund_type: str
    min_purchase: int
    theme: str = ""
    risk_level: int | None = None  # None: the usual level for the fund type
    launch_months: int = HISTORY_MONTHS  # under 24: launched inside the demo history
    status: str = PUBLISHED

    @property
    def risk(self) -> int:
        return self.risk_level or DEFAULT_RISK[self.fund_type]


@dataclass(frozen=True)
class InsuranceSpec:
    institution: str
    name: str
    summary: str
    premium: str
    coverage: str
    term_months: int
    cooling_off_days: int
    cancellation_fee: str
    risk_level: int = 1
    status: str = PUBLISHED

    @property
    def cover(self) -> tuple[int, int, str, str]:
        """Premium-paying years, waiting days, how to claim, exclusions (INSURANCE_COVER)."""
        return INSURANCE_COVER[self.name]


@dataclass(frozen=True)
class SavingsSpec:
    institution: str
    name: str
    term_months: int
    annual_rate: str
    min_purchase: int
    early_withdrawal_rate: str = "0.0020"
    status: str = PUBLISHED
    deposit_insured: bool = True  # a bank's deposit; the platform's own product is not one


SC, JR, EL = "southern-cross-funds", "jade-river-bank", "evergreen-life"
MM, BOND, MIXED = FundType.MONEY_MARKET, FundType.BOND, FundType.MIXED
EQUITY, INDEX = FundType.EQUITY, FundType.INDEX

FUNDS = [
    # Southern Cross Fund Management: the full range.
    FundSpec(SC, "202301", "Southern Cross Cash Plus Money Market", MM, 1),
    FundSpec(SC, "202101", "Southern Cross Steady Bond A", BOND, 10, "government and policy-bank"),
    FundSpec(SC, "202105", "Southern Cross Pure Bond Enhanced", BOND, 10, "high-grade credit"),
    FundSpec(SC, "202108", "Southern Cross Short-term Credit Bond", BOND, 100, "short-term"),
    FundSpec(SC, "202002", "Southern Cross Balanced Growth Mixed", MIXED, 10, "large-cap"),
    FundSpec(SC, "202005", "Southern Cross Flexible Allocation Mixed", MIXED, 100, "all-market"),
    FundSpec(SC, "202007", "Southern Cross Value Select Mixed", MIXED, 10, "value", None, 9),
    FundSpec(SC, "202011", "Southern Cross Consumer Upgrade Equity", EQUITY, 10, "consumer brands"),
    FundSpec(SC, "202015", "Southern Cross New Energy Pioneer Equity", EQUITY, 10, "new-energy", 5),
    FundSpec(SC, "202017", "Southern Cross Health Innovation Equity", EQUITY, 100, "healthcare", 5),
    FundSpec(SC, "202019", "Southern Cross Blue Chip Select Equity", EQUITY, 10, "blue-chip"),
    FundSpec(SC, "160119", "Southern Cross CSI 500 Index Enhanced", INDEX, 10, "CSI 500 Index"),
    FundSpec(SC, "160121", "Southern Cross ChiNext Index", INDEX, 10, "ChiNext Index", None, 4),
    FundSpec(
        SC,
        "202023",
        "Southern Cross Semiconductor Equity",
        EQUITY,
        100,
        "semiconductor",
        5,
        status=DRAFT,
    ),
    # Jade River Commercial Bank: cash management, index and partner funds.
    FundSpec(JR, "519001", "Jade River Daily Treasure Money Market", MM, 1),
    FundSpec(JR, "519300", "Jade River CSI 300 Index", INDEX, 10, "CSI 300 Index"),
    FundSpec(JR, "519050", "Jade River SSE 50 Index", INDEX, 10, "SSE 50 Index"),
    FundSpec(JR, "519110", "Jade River Stable Income Bond", BOND, 1000, "interest-rate"),
    FundSpec(JR, "519112", "Jade River Policy Bank Bond", BOND, 100, "policy-bank"),
    FundSpec(JR, "519210", "Jade River Golden Harvest Mixed", MIXED, 100, "dividend"),
    FundSpec(JR, "519410", "Jade River Dividend Growth Equity", EQUITY, 100, "high-dividend"),
    FundSpec(JR, "519415", "Jade River Tech Frontier Equity", EQUITY, 10, "technology", 5),
    FundSpec(
        JR,
        "519220",
        "Jade River Green Transition Mixed",
        MIXED,
        100,
        "low-carbon",
        status=IN_REVIEW,
    ),
    # The platform's own funds, listed like anyone else's.
    FundSpec(PLATFORM, "009001", "Fortune Market Yield Pocket Money Market", MM, 1),
    FundSpec(PLATFORM, "009101", "Fortune Market Core Bond", BOND, 10, "investment-grade"),
    FundSpec(PLATFORM, "009105", "Fortune Market Ultra-short Bond", BOND, 1, "very short-dated"),
    FundSpec(PLATFORM, "009201", "Fortune Market Multi-asset Balanced Mixed", MIXED, 10, "global"),
    FundSpec(PLATFORM, "009205", "Fortune Market Steady Plus Mixed", MIXED, 1000, "blue-chip"),
    FundSpec(
        PLATFORM, "009301", "Fortune Market CSI Dividend Index", INDEX, 10, "CSI Dividend Index"
    ),
    FundSpec(
        PLATFORM, "009305", "Fortune Market Nasdaq-100 QDII Index", INDEX, 10, "Nasdaq-100 Index"
    ),
    FundSpec(
        PLATFORM, "009308", "Fortune Market STAR 50 Index", INDEX, 10, "STAR 50 Index", None, 4
    ),
    FundSpec(PLATFORM, "009401", "Fortune Market Quality Leaders Equity", EQUITY, 10, "quality"),
    FundSpec(
        PLATFORM, "009405", "Fortune Market Hong Kong Tech Equity", EQUITY, 100, "internet", 5
    ),
]

INSURANCE = [
    InsuranceSpec(
        EL,
        "Evergreen Term Life 20",
        "Twenty years of life cover for the family's main earner, at a fixed premium.",
        "1280.00",
        "500000.00",
        240,
        15,
        "10.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Critical Illness Care",
        "A lump sum on diagnosis of any of 110 covered critical illnesses, cover to age 70.",
        "3650.00",
        "300000.00",
        360,
        20,
        "10.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Million Medical",
        "Hospital bills up to 3 million a year after a 10,000 deductible; renewable yearly.",
        "356.00",
        "3000000.00",
        12,
        15,
        "0.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Travel and Accident Shield",
        "Accidental death, disability and medical cover, at home and abroad, for one year.",
        "99.00",
        "1000000.00",
        12,
        15,
        "0.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Child Education Plan",
        "Pays school and university fees if a parent dies or is disabled before the child is 22.",
        "2400.00",
        "200000.00",
        216,
        20,
        "10.00",
        status=IN_REVIEW,
    ),
    InsuranceSpec(
        PLATFORM,
        "Fortune Market Golden Years Annuity",
        "Ten yearly premiums buy a guaranteed monthly income from age 60, for life.",
        "10000.00",
        "150000.00",
        120,
        20,
        "10.00",
        risk_level=2,
    ),
]

SAVINGS = [
    SavingsSpec(JR, "Jade River 3-Month Fixed Deposit", 3, "0.0120", 50),
    SavingsSpec(JR, "Jade River 6-Month Fixed Deposit", 6, "0.0145", 50),
    SavingsSpec(JR, "Jade River 12-Month Fixed Deposit", 12, "0.0175", 1000),
    SavingsSpec(JR, "Jade River 24-Month Fixed Deposit", 24, "0.0215", 1000),
    SavingsSpec(
        PLATFORM, "Fortune Market 36-Month Savings Plus", 36, "0.0260", 1000, deposit_insured=False
    ),
]

EVERGREEN_CLAIMS = (
    "Call Evergreen Life on 95510 or claim in its app within 10 days of the event, then send "
    "the claim form, your ID and the medical or death certificate. Evergreen decides within 30 "
    "days of receiving a complete claim and pays to the bank card on the policy."
)
# Premium-paying years, waiting period (days), how to claim, exclusions: what the policy
# wording says beside the price.
INSURANCE_COVER: dict[str, tuple[int, int, str, str]] = {
    "Evergreen Term Life 20": (
        20,
        90,
        EVERGREEN_CLAIMS,
        "Suicide in the first two years of cover; death while drink-driving, using drugs or "
        "committing a crime; war and nuclear events; an illness not declared on the application.",
    ),
    "Evergreen Critical Illness Care": (
        20,
        90,
        EVERGREEN_CLAIMS,
        "An illness diagnosed, or with symptoms, before cover starts or in the 90-day waiting "
        "period; congenital conditions; self-inflicted injury; drink-driving and drug use.",
    ),
    "Evergreen Million Medical": (
        1,
        30,
        EVERGREEN_CLAIMS,
        "Conditions that existed before cover starts; illness treated in the 30-day waiting "
        "period (accidents are covered from day one); cosmetic and dental treatment, pregnancy "
        "and childbirth; private wards.",
    ),
    "Evergreen Travel and Accident Shield": (
        1,
        0,
        EVERGREEN_CLAIMS,
        "Illness (only accidental injury is covered); diving, climbing, racing and other "
        "high-risk sports; drink-driving; war and terrorism; injury caused on purpose.",
    ),
    "Evergreen Child Education Plan": (
        10,
        90,
        EVERGREEN_CLAIMS,
        "Death or disability of the parent in the 90-day waiting period from illness; suicide "
        "in the first two years; drink-driving and drug use.",
    ),
    "Fortune Market Golden Years Annuity": (
        10,
        0,
        "The income is paid on the first day of each month from age 60 to the bank card on the "
        "policy, with no claim to make. For the death benefit, the family calls Fortune Market "
        "on 95188 with the death certificate; it is paid within 10 days.",
        "Surrendering the policy after the cooling-off period returns its cash value, which "
        "in the first years is less than the premiums paid.",
    ),
}


# --- Chinese names and summaries (issue 14): every demo listing has both languages -------------

FUND_NAMES_ZH = {
    "202301": "南十字现金增利货币",
    "202101": "南十字稳健债券A",
    "202105": "南十字纯债增强债券",
    "202108": "南十字短期信用债券",
    "202002": "南十字平衡成长混合",
    "202005": "南十字灵活配置混合",
    "202007": "南十字价值精选混合",
    "202011": "南十字消费升级股票",
    "202015": "南十字新能源先锋股票",
    "202017": "南十字医疗创新股票",
    "202019": "南十字蓝筹精选股票",
    "160119": "南十字中证500指数增强",
    "160121": "南十字创业板指数",
    "202023": "南十字半导体股票",
    "519001": "玉河天天宝货币",
    "519300": "玉河沪深300指数",
    "519050": "玉河上证50指数",
    "519110": "玉河稳定收益债券",
    "519112": "玉河政策性金融债债券",
    "519210": "玉河金色收获混合",
    "519410": "玉河红利成长股票",
    "519415": "玉河科技前沿股票",
    "519220": "玉河绿色转型混合",
    "009001": "财富市场收益宝货币",
    "009101": "财富市场核心债券",
    "009105": "财富市场超短债债券",
    "009201": "财富市场多元资产平衡混合",
    "009205": "财富市场稳健增强混合",
    "009301": "财富市场中证红利指数",
    "009305": "财富市场纳斯达克100指数（QDII）",
    "009308": "财富市场科创50指数",
    "009401": "财富市场优质龙头股票",
    "009405": "财富市场香港科技股票",
}
THEMES_ZH = {
    "government and policy-bank": "国债和政策性金融",
    "high-grade credit": "高等级信用",
    "short-term": "短期",
    "interest-rate": "利率",
    "policy-bank": "政策性金融",
    "investment-grade": "投资级",
    "very short-dated": "超短期",
    "large-cap": "大盘",
    "all-market": "全市场",
    "value": "价值",
    "dividend": "高股息",
    "low-carbon": "低碳",
    "global": "全球",
    "blue-chip": "蓝筹",
    "consumer brands": "消费品牌",
    "new-energy": "新能源",
    "healthcare": "医疗健康",
    "high-dividend": "高股息",
    "technology": "科技",
    "quality": "优质",
    "internet": "互联网",
    "semiconductor": "半导体",
    "CSI 500 Index": "中证500指数",
    "ChiNext Index": "创业板指数",
    "CSI 300 Index": "沪深300指数",
    "SSE 50 Index": "上证50指数",
    "CSI Dividend Index": "中证红利指数",
    "Nasdaq-100 Index": "纳斯达克100指数",
    "STAR 50 Index": "科创50指数",
}
# English name → (Chinese name, Chinese summary)
INSURANCE_ZH = {
    "Evergreen Term Life 20": (
        "常青定期寿险20年",
        "为家庭经济支柱提供20年身故保障，保费固定不变。",
    ),
    "Evergreen Critical Illness Care": (
        "常青重疾关爱",
        "确诊110种重大疾病中的任意一种即一次性赔付，保障至70岁。",
    ),
    "Evergreen Million Medical": (
        "常青百万医疗",
        "1万元免赔额以上的住院医疗费用，每年最高报销300万元；可逐年续保。",
    ),
    "Evergreen Travel and Accident Shield": (
        "常青出行意外保障",
        "境内外意外身故、伤残和意外医疗保障，保障期一年。",
    ),
    "Evergreen Child Education Plan": (
        "常青少儿教育金计划",
        "孩子22岁前父母身故或伤残的，由保险承担孩子的学费直至大学毕业。",
    ),
    "Fortune Market Golden Years Annuity": (
        "财富市场金色年华年金",
        "交费10年，60岁起每月领取保证终身的养老金。",
    ),
}
SAVINGS_NAMES_ZH = {
    "Jade River 3-Month Fixed Deposit": "玉河3个月定期存款",
    "Jade River 6-Month Fixed Deposit": "玉河6个月定期存款",
    "Jade River 12-Month Fixed Deposit": "玉河12个月定期存款",
    "Jade River 24-Month Fixed Deposit": "玉河24个月定期存款",
    "Fortune Market 36-Month Savings Plus": "财富市场36个月增利存款",
}


def fund_summary_zh(spec: FundSpec) -> str:
    theme = THEMES_ZH.get(spec.theme, spec.theme)
    return {
        FundType.MONEY_MARKET: "现金管理：投资银行存款、回购和短期票据；每天最高1万元快速赎回。",
        FundType.BOND: f"主要投资{theme}债券，追求稳健收益。",
        FundType.MIXED: f"随市场变化，在{theme}股票和债券之间灵活配置。",
        FundType.EQUITY: f"集中投资内地和香港的{theme}企业。",
        FundType.INDEX: f"紧密跟踪{theme}，费率低廉。",
    }[spec.fund_type]


def savings_summary_zh(spec: SavingsSpec, rate: str) -> str:
    return f"{spec.term_months}个月定期存款，年利率固定为{rate}。"


# --- pure generators -------------------------------------------------------------------------


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


# --- seeding through the services --------------------------------------------------------------


def _editor_of(institution: Institution):
    """An editor of the institution (an admin where it has no plain editor, e.g. the platform)."""
    memberships = Membership.objects.filter(institution=institution).select_related("user")
    editors = [m for m in memberships if m.has_role(Role.EDITOR)]
    editors.sort(key=lambda m: (m.role != Role.EDITOR, m.pk))
    if not editors:
        raise LookupError(f"{institution.name} has no editor to list its products")
    return editors[0].user


def _terms_lines(terms, names) -> list[str]:
    values = [(name, getattr(terms, name, None)) for name in names] if terms else []
    return [f"{name.replace('_', ' ').capitalize()}: {value}" for name, value in values if value]


def _attach_documents(product: Product, *, editor) -> int:
    """Upload, through the portal's service, a small generated PDF for each document the
    product's kind requires and does not have yet (so staff approve what exists)."""
    have = set(product.documents.values_list("kind", flat=True))
    added = 0
    for kind in REQUIRED_DOCUMENTS[product.kind]:
        if kind in have:
            continue
        label = DocumentKind(kind).label
        terms = services.product_terms(product)
        lines = [
            f"{product.name} ({product.get_kind_display()}, risk level R{product.risk_level})",
            f"Offered by {product.institution.name}.",
            product.summary,
            *_terms_lines(terms, TERMS_FIELDS.get(product.kind, ())),
            "",
            "Demo document generated by seed_demo for the Fortune Market demo data.",
        ]
        content = minimal_pdf(title=f"{label}: {product.name}", lines=lines)
        upload = SimpleUploadedFile(
            f"{product.slug}-{kind}.pdf", content, content_type="application/pdf"
        )
        services.document_add(product=product, actor=editor, kind=kind, title=label, file=upload)
        added += 1
    return added


def _publish(product: Product, *, editor, staff, status: str, reason: str) -> None:
    _attach_documents(product, editor=editor)
    if status in (IN_REVIEW, PUBLISHED):
        services.product_submit(product=product, actor=editor)
    if status == PUBLISHED:
        services.product_approve(product=product, actor=staff, reason=reason)


def _seed_fund(spec: FundSpec, *, institution, editor, staff, end: dt.date) -> tuple[Product, int]:
    product = services.product_create(
        institution=institution,
        actor=editor,
        kind=ProductKind.FUND,
        fund_type=spec.fund_type,
        code=spec.code,
        name_en=spec.name,
        name_zh_hans=FUND_NAMES_ZH.get(spec.code, ""),
        risk_level=spec.risk,
        summary_en=fund_summary(spec),
        summary_zh_hans=fund_summary_zh(spec),
        description=fund_description(spec),
        min_purchase=Decimal(spec.min_purchase),
        terms=fund_terms(code=spec.code, fund_type=spec.fund_type),
        fee_tiers=fund_fee_tiers(code=spec.code, fund_type=spec.fund_type),
    )
    fund_label = FundType(spec.fund_type).label.lower()
    _publish(
        product,
        editor=editor,
        staff=staff,
        status=spec.status,
        reason=(f"Prospectus, key facts and fees checked; R{spec.risk} fits a {fund_label} fund."),
    )
    rows = 0
    if spec.status == PUBLISHED and spec.fund_type == FundType.MONEY_MARKET:
        days = calendar_days(months_before(end, spec.launch_months), _yield_end())
        rows = _upload_yields(product, editor=editor, series=yield_walk(code=spec.code, days=days))
    elif spec.status == PUBLISHED:
        days = trading_days(months_before(end, spec.launch_months), end)
        series = nav_walk(code=spec.code, fund_type=spec.fund_type, risk_level=spec.risk, days=days)
        rows = _upload(product, editor=editor, series=series)
    return product, rows


def _upload(product: Product, *, editor, series: list[tuple[dt.date, str]]) -> int:
    rows = [(n, day.isoformat(), nav) for n, (day, nav) in enumerate(series, start=2)]
    report = services.nav_upload(product=product, actor=editor, rows=rows)
    return report.added + report.updated


def _yield_end() -> dt.date:
    """Yesterday: a money-market fund publishes every calendar day, after its 15:00 cut-off."""
    return timezone.localdate() - dt.timedelta(days=1)


def _upload_yields(product: Product, *, editor, series: list[tuple[dt.date, str, str]]) -> int:
    rows = [(n, day.isoformat(), income, rate) for n, (day, income, rate) in enumerate(series, 2)]
    report = yields.yield_upload(product=product, actor=editor, rows=rows)
    return report.added + report.updated


def _top_up(product: Product, *, editor, end: dt.date) -> int:
    """A later rerun continues the NAV series up to the last trading day (a money-market
    fund's daily yields up to yesterday)."""
    if product.status == PUBLISHED and product.is_money_market and product.latest_yield_date:
        days = calendar_days(product.latest_yield_date + dt.timedelta(days=1), _yield_end())
        if not days:
            return 0
        series = yield_walk(code=product.code, days=days)
        return _upload_yields(product, editor=editor, series=series)
    if (
        product.status != PUBLISHED
        or product.is_money_market
        or product.latest_nav_date is None
        or product.latest_nav_date >= end
    ):
        return 0
    days = trading_days(product.latest_nav_date + dt.timedelta(days=1), end)
    if not days:
        return 0
    series = nav_walk(
        code=product.code,
        fund_type=product.fund_type,
        risk_level=product.risk_level,
        days=days,
        start_nav=str(product.latest_nav),
    )
    return _upload(product, editor=editor, series=series)


def _seed_insurance(spec: InsuranceSpec, *, institution, editor, staff) -> Product:
    product = services.product_create(
        institution=institution,
        actor=editor,
        kind=ProductKind.INSURANCE,
        name_en=spec.name,
        name_zh_hans=INSURANCE_ZH[spec.name][0],
        risk_level=spec.risk_level,
        summary_en=spec.summary,
        summary_zh_hans=INSURANCE_ZH[spec.name][1],
        description=(
            f"{spec.summary} Cover of {Decimal(spec.coverage):,.0f} CNY for "
            + (
                f"a yearly premium of {Decimal(spec.premium):,.2f} CNY, paid for "
                f"{spec.cover[0]} years."
                if spec.cover[0] > 1
                else f"a single premium of {Decimal(spec.premium):,.2f} CNY."
            )
            + f" You may cancel within {spec.cooling_off_days} "
            "days of purchase for a full refund of the premium, less a fee of "
            f"{Decimal(spec.cancellation_fee):,.2f} CNY. Read the policy terms for exclusions."
        ),
        min_purchase=Decimal(spec.premium),
        terms={
            "premium": Decimal(spec.premium),
            "coverage_amount": Decimal(spec.coverage),
            "term_months": spec.term_months,
            "cooling_off_days": spec.cooling_off_days,
            "cancellation_fee": Decimal(spec.cancellation_fee),
            "premium_years": spec.cover[0],
            "waiting_days": spec.cover[1],
            "claims": spec.cover[2],
            "exclusions": spec.cover[3],
        },
    )
    _publish(
        product,
        editor=editor,
        staff=staff,
        status=spec.status,
        reason="Policy terms, cooling-off period and cancellation fee checked.",
    )
    return product


def _seed_savings(spec: SavingsSpec, *, institution, editor, staff) -> Product:
    rate = format_rate(Decimal(spec.annual_rate))
    early = format_rate(Decimal(spec.early_withdrawal_rate))
    product = services.product_create(
        institution=institution,
        actor=editor,
        kind=ProductKind.SAVINGS,
        name_en=spec.name,
        name_zh_hans=SAVINGS_NAMES_ZH[spec.name],
        risk_level=1,
        summary_en=f"A {spec.term_months}-month deposit at a fixed {rate} a year.",
        summary_zh_hans=savings_summary_zh(spec, rate),
        description=(
            f"Interest at a fixed {rate} a year is paid with the capital at maturity after "
            f"{spec.term_months} months. Withdrawing early earns the demand rate of {early} a "
            "year on the whole amount. "
            + (
                "Deposits are protected by the national deposit insurance scheme up to 500,000 "
                "CNY per depositor per bank."
                if spec.deposit_insured
                else "It is not a bank deposit and is not covered by deposit insurance."
            )
        ),
        min_purchase=Decimal(spec.min_purchase),
        terms={
            "term_months": spec.term_months,
            "annual_rate": Decimal(spec.annual_rate),
            "early_withdrawal_rate": Decimal(spec.early_withdrawal_rate),
            "deposit_insured": spec.deposit_insured,
        },
    )
    _publish(
        product,
        editor=editor,
        staff=staff,
        status=spec.status,
        reason="Terms and conditions, rate and early-withdrawal rate checked.",
    )
    return product


def _percent(rate: Decimal | None) -> str:
    return f"{(rate or Decimal(0)) * 100:.1f}%"


def _articles(products: dict[str, Product]) -> list[tuple[str, str, str, Product | None, str]]:
    """(institution slug, kind, title, product, body); returns quoted beside their risk level."""

    def fund(code: str) -> Product:
        return Product.objects.get(pk=products[code].pk)  # fresh NAV figures

    def full_period(code: str) -> str:
        p = fund(code)
        return f"Over the past two years {p.name} ({p.risk_code}) returned " + _percent(
            p.return_since_launch
        )

    def one_year(code: str) -> str:
        p = fund(code)
        return f"Over the past 12 months {p.name} ({p.risk_code}) returned {_percent(p.return_1y)}"

    art, news = ArticleKind.ARTICLE, ArticleKind.ANNOUNCEMENT
    return [
        (
            SC,
            art,
            "Why a bond fund belongs in a cautious portfolio",
            products.get("202101"),
            "Bond funds aim for steady income with small price swings, which makes them a "
            f"common anchor for savers. {full_period('202101')}. Past performance does not "
            "predict future results: when interest rates rise, bond prices fall.",
        ),
        (
            SC,
            art,
            "Equity funds: how to sit through the swings",
            products.get("202011"),
            "Share prices move a lot from month to month, and a fund that holds 50 companies "
            f"moves with them. {one_year('202011')}. Investing a fixed amount every month "
            "spreads your purchases over good and bad days.",
        ),
        (
            SC,
            news,
            "Spring Festival trading arrangements",
            None,
            "The exchanges are closed for the Spring Festival holiday. Orders placed during the "
            "holiday trade on the first trading day after it, at that day's NAV.",
        ),
        (
            SC,
            news,
            "Southern Cross ChiNext Index is now open",
            products.get("160121"),
            "Our new ChiNext index fund is open for subscription from 10 CNY. Its subscription "
            "fee is 0.5% for amounts under 500,000 before any coupon.",
        ),
        (
            JR,
            art,
            "Fixed deposit or money-market fund?",
            None,
            "A fixed deposit locks in its rate for the whole term, while a money-market fund lets "
            "you take your money out any day. Many savers keep a few months of spending in the "
            "fund and the rest in deposits.",
        ),
        (
            JR,
            art,
            "Three things to know about index funds",
            products.get("519300"),
            "An index fund owns the whole market instead of guessing which shares will do well. "
            f"Its fees are low. {full_period('519300')}, with large swings along the way.",
        ),
        (
            JR,
            news,
            "New fund manager for Jade River Dividend Growth Equity",
            products.get("519410"),
            "Ms Wang Fang takes over as manager of the fund. The investment policy and the fees "
            "do not change.",
        ),
        (
            EL,
            art,
            "How the cooling-off period protects you",
            None,
            "Every policy sold here has a cooling-off period of at least 15 days. If you change "
            "your mind within it, we refund your premium less a fee of at most 10 CNY.",
        ),
        (
            EL,
            art,
            "What critical illness cover pays for",
            products.get("Evergreen Critical Illness Care"),
            "A critical illness policy pays a lump sum when you are diagnosed, whatever your "
            "hospital bills. Many families use it to replace lost income during treatment.",
        ),
        (
            EL,
            news,
            "Claims service during the National Day holiday",
            None,
            "Our claims line stays open every day of the National Day holiday from 9:00 to 18:00.",
        ),
        (
            PLATFORM,
            art,
            "How we order the catalogue",
            None,
            "The catalogue lists products lowest risk first, then by lowest minimum purchase, "
            "then by name. Who operates a product never changes its place, and that includes "
            "the products we operate ourselves.",
        ),
        (
            PLATFORM,
            art,
            "A core bond fund for the long run",
            products.get("009101"),
            f"{full_period('009101')}. It is meant as a steady base for a portfolio, not as a "
            "source of quick gains.",
        ),
        (
            PLATFORM,
            news,
            "What the platform receives when you buy",
            None,
            "Each product page shows the commission the platform receives from the institution. "
            "It never changes the order of the catalogue.",
        ),
    ]


DRAFT_ARTICLE = (
    SC,
    ArticleKind.ARTICLE,
    "Manager letter: the quarter ahead (draft)",
    "We expect a quieter quarter for bonds and are keeping duration short.",
)


# Storefront lists (issue 15): each an institution's own selection, shown on its page only.
CURATED_LISTS = [
    (
        SC,
        "For your first fund",
        "Our lower-risk funds with small minimum purchases, for investors starting out.",
    ),
    (
        PLATFORM,
        "Keep your cash working",
        "Our products for money you may need at short notice.",
    ),
]


def _seed_curated_lists(institutions, editors) -> int:
    created = 0
    for slug, title, blurb in CURATED_LISTS:
        institution = institutions[slug]
        if institution.curated_lists.filter(title=title).exists():
            continue
        picks = list(
            Product.objects.filter(institution=institution, status=PUBLISHED).order_by(
                "risk_level", "min_purchase", "slug"
            )[:3]
        )
        if not picks:
            continue
        curated = services.curated_list_save(
            institution=institution, actor=editors[slug], title=title, blurb=blurb, products=picks
        )
        services.curated_list_publish(curated_list=curated, actor=editors[slug], published=True)
        created += 1
    return created


def seed_products(log) -> dict[str, int]:
    """Create the demo listings, their NAV series and articles; returns counts for the summary."""
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    institutions = {
        i.slug: i
        for i in Institution.objects.filter(slug__in=[SC, JR, EL])
        | Institution.objects.filter(type=InstitutionType.PLATFORM)
    }
    institutions[PLATFORM] = next(i for i in institutions.values() if i.is_platform)
    editors = {slug: _editor_of(i) for slug, i in institutions.items()}
    end = last_trading_day(timezone.localdate())
    counts = {"created": 0, "existing": 0, "published": 0, "nav_rows": 0, "articles": 0}
    by_key: dict[str, Product] = {}

    for spec in FUNDS:
        institution, editor = institutions[spec.institution], editors[spec.institution]
        product = Product.objects.filter(code=spec.code).first()
        if product is not None:
            counts["existing"] += 1
            counts["nav_rows"] += _top_up(product, editor=editor, end=end)
            _attach_documents(product, editor=editor)
        else:
            product, rows = _seed_fund(
                spec, institution=institution, editor=editor, staff=staff, end=end
            )
            counts["created"] += 1
            counts["nav_rows"] += rows
        by_key[spec.code] = product

    for spec, seed in [(s, _seed_insurance) for s in INSURANCE] + [
        (s, _seed_savings) for s in SAVINGS
    ]:
        product = Product.objects.filter(slug=slugify(spec.name)).first()
        if product is not None:
            counts["existing"] += 1
            _attach_documents(product, editor=editors[spec.institution])
        else:
            product = seed(
                spec,
                institution=institutions[spec.institution],
                editor=editors[spec.institution],
                staff=staff,
            )
            counts["created"] += 1
        by_key[spec.name] = product

    for slug, kind, title, product, body in _articles(by_key):
        institution = institutions[slug]
        if Article.objects.filter(institution=institution, title=title).exists():
            continue
        if product is not None and product.status != PUBLISHED:
            product = None
        article = services.article_save(
            institution=institution,
            actor=editors[slug],
            title=title,
            body=body,
            kind=kind,
            product=product,
        )
        services.article_publish(article=article, actor=editors[slug])
        counts["articles"] += 1
    slug, kind, title, body = DRAFT_ARTICLE
    if not Article.objects.filter(institution=institutions[slug], title=title).exists():
        services.article_save(
            institution=institutions[slug], actor=editors[slug], title=title, body=body, kind=kind
        )
        counts["articles"] += 1

    counts["curated_lists"] = _seed_curated_lists(institutions, editors)

    counts["reports"] = seed_reports(editors=editors, staff=staff, today=timezone.localdate())
    counts["published"] = Product.objects.filter(status=PUBLISHED).count()
    counts["articles_published"] = Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
    log(
        f"  products: {counts['created']} created, {counts['existing']} already there, "
        f"{counts['nav_rows']} NAV rows uploaded, {counts['articles']} articles, "
        f"{counts['reports']} periodic reports"
    )
    return counts
