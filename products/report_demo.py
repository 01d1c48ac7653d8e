"""Demo periodic reports: every published demo fund gets its latest quarter's report, filed by
its institution's editor and approved by staff through the services, so the fund page shows
managers, size, benchmark, holdings and allocation. Deterministic per fund code; a fund that
already has a report is left alone (``seed_demo`` stays idempotent)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from marketplace.dates import add_months

from .models import FundType, Product, ProductStatus
from .report_models import FundReport, latest_ended_period, period_end
from .report_selectors import fund_return_over_year
from .services import reports as services

STOCKS = [
    ("Kweichow Moutai", "600519"),
    ("Contemporary Amperex Technology", "300750"),
    ("China Merchants Bank", "600036"),
    ("Ping An Insurance", "601318"),
    ("Wuliangye Yibin", "000858"),
    ("Midea Group", "000333"),
    ("BYD", "002594"),
    ("Zijin Mining", "601899"),
    ("Yangtze Power", "600900"),
    ("Luxshare Precision", "002475"),
    ("Hengrui Medicine", "600276"),
    ("Industrial Bank", "601166"),
    ("Gree Electric", "000651"),
    ("Mindray Medical", "300760"),
    ("LONGi Green Energy", "601012"),
    ("NAURA Technology", "002371"),
    ("Sungrow Power", "300274"),
    ("Foxconn Industrial Internet", "601138"),
]
BONDS = [
    ("26 Treasury 05", "019745"),
    ("25 Treasury 11", "019733"),
    ("26 CDB 03", "260203"),
    ("25 CDB 15", "250215"),
    ("26 ADBC 02", "260402"),
    ("25 EXIM 08", "250308"),
    ("26 Treasury 02", "019742"),
    ("ICBC Interbank CD 2026-148", "112603148"),
    ("Bank of China Interbank CD 2026-091", "112691091"),
    ("State Grid MTN 2026-01", "102680011"),
    ("China Railway MTN 2025-07", "102580073"),
    ("Sinopec Corporate Bond 2026", "185612"),
]
ALLOCATION = {  # stocks, bonds, cash (other is what is left)
    FundType.EQUITY: ("88", "3", "8"),
    FundType.MIXED: ("64", "22", "12"),
    FundType.INDEX: ("94.5", "0", "5"),
    FundType.BOND: ("0", "91", "7.5"),
    FundType.MONEY_MARKET: ("0", "46", "53.5"),
}
BENCHMARK = {
    FundType.EQUITY: "CSI 800 Index × 85% + ChinaBond Composite Index × 15%",
    FundType.MIXED: "CSI 300 Index × 60% + ChinaBond Composite Index × 40%",
    FundType.BOND: "ChinaBond Composite Index",
    FundType.MONEY_MARKET: "Bank demand-deposit rate (after tax)",
}
MANAGERS = [
    ("Li Ming", "Fifteen years in equity research; managed funds since 2015. CFA."),
    ("Wang Fang", "Fixed-income specialist; formerly a credit analyst at a policy bank."),
    ("Zhang Wei", "Quantitative strategies and index tracking; PhD in statistics."),
    ("Chen Jing", "Consumer and healthcare sectors; joined the institution in 2016."),
    ("Liu Yang", "Macro and asset allocation; twelve years across bonds and equities."),
    ("Zhao Lei", "Technology and manufacturing sectors; former sell-side analyst."),
]


def _pct(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def demo_report(product: Product, *, today: dt.date) -> services.ReportData:
    rng = random.Random(f"report-{product.code}")  # noqa: S311 - demo data, not secrets
    year, period = latest_ended_period(today)
    end = period_end(year, period)
    kind = product.fund_type
    size_millions = (
        rng.randint(300, 48000) if kind != FundType.MONEY_MARKET else rng.randint(8000, 90000)
    )
    stocks, bonds, cash = (Decimal(v) for v in ALLOCATION[kind])
    tilt = _pct(rng.uniform(-3, 3)) if stocks and kind != FundType.INDEX else Decimal(0)
    allocation = {
        "stocks": stocks + tilt,
        "bonds": bonds,
        "cash": cash - tilt,
        "other": 100 - stocks - bonds - cash,
    }
    pool = BONDS if kind in (FundType.BOND, FundType.MONEY_MARKET) else STOCKS
    picks = rng.sample(pool, 10)
    weights = sorted((_pct(rng.uniform(1.2, 7.5)) for _ in picks), reverse=True)
    if kind == FundType.MONEY_MARKET:
        weights = sorted((_pct(rng.uniform(0.8, 3.5)) for _ in picks), reverse=True)
    launched = product.first_nav_date or add_months(end, -24)
    people = rng.sample(MANAGERS, 2 if rng.random() < 0.4 else 1)
    managers = []
    for name, bio in people:
        earliest = max(launched, dt.date(2016, 1, 1))
        span = max((end - earliest).days - 90, 1)
        managers.append(
            services.ManagerRow(name, earliest + dt.timedelta(days=rng.randint(0, span)), bio)
        )
    benchmark = (
        BENCHMARK.get(kind) or f"{product_index(product)} × 95% + bank demand-deposit rate × 5%"
    )
    bench_return = None
    fund_return = fund_return_over_year(product=product, end=end)
    if fund_return is not None and kind != FundType.MONEY_MARKET:
        bench_return = _pct(fund_return * 100 + Decimal(str(round(rng.uniform(-3, 2.5), 2))))
    return services.ReportData(
        year=year,
        period=period,
        fund_size=Decimal(size_millions) * 1_000_000 + Decimal(rng.randint(0, 999_999)),
        fund_size_date=end,
        benchmark_name=benchmark,
        benchmark_return_percent=bench_return,
        managers=managers,
        holdings=[services.HoldingRow(n, c, w) for (n, c), w in zip(picks, weights, strict=True)],
        allocation=allocation,
    )


def product_index(product: Product) -> str:
    """The index an index fund tracks, from its name ("… CSI 500 Index Enhanced" → "CSI 500
    Index")."""
    name = product.name_en or product.name
    words = name.split()
    if "Index" in words:
        start = 2 if len(words) > 2 else 0
        return " ".join(words[start : words.index("Index") + 1])
    return "CSI 300 Index"


def seed_reports(*, editors: dict, staff, today: dt.date) -> int:
    """An approved report for every published demo fund that has none; returns how many."""
    funds = (
        Product.objects.filter(kind="fund", status=ProductStatus.PUBLISHED)
        .exclude(pk__in=FundReport.objects.values("product"))
        .select_related("institution")
    )
    made = 0
    for product in funds:
        editor = editors.get(product.institution.slug)
        if editor is None:
            continue
        report = services.fund_report_save(
            product=product, actor=editor, data=demo_report(product, today=today)
        )
        services.fund_report_submit(report=report, actor=editor)
        services.fund_report_approve(
            report=report, actor=staff, reason="Checked against the published quarterly report."
        )
        made += 1
    return made
