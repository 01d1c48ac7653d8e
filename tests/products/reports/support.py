"""A good report (as data, CSV, form and API body) and helpers the report tests share."""

import dataclasses
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from products.models import FundReport
from products.services import reports as svc

GOOD_CSV = """record,name,code,value,date,note
period,2026 Q2,,,,
fund_size,,,2350000000.00,2026-06-30,
benchmark,CSI 300 Index × 80% + ChinaBond × 20%,,12.40,,
manager,Li Ming,,,2021-03-15,Fifteen years in equity research.
manager,Wang Fang,,,2024-07-01,
holding,Kweichow Moutai,600519,9.85,,
holding,Contemporary Amperex,300750,7.20,,
allocation,stocks,,85.20,,
allocation,bonds,,5.00,,
allocation,cash,,9.30,,
allocation,other,,0.50,,
"""


def data(**changes) -> svc.ReportData:
    base = svc.ReportData(
        year=2026,
        period="q2",
        fund_size=Decimal("2350000000.00"),
        fund_size_date=dt.date(2026, 6, 30),
        benchmark_name="CSI 300 Index",
        benchmark_return_percent=Decimal("12.40"),
        managers=[svc.ManagerRow("Li Ming", dt.date(2021, 3, 15), "Research.")],
        holdings=[svc.HoldingRow("Kweichow Moutai", "600519", Decimal("9.85"))],
        allocation={
            "stocks": Decimal("85.20"),
            "bonds": Decimal("5.00"),
            "cash": Decimal("9.30"),
            "other": Decimal("0.50"),
        },
    )
    return dataclasses.replace(base, **changes)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {k: [e.code for e in v] for k, v in exc.error_dict.items()}


def approved(fund, editor, staff, **changes) -> FundReport:
    report = svc.fund_report_save(product=fund, actor=editor, data=data(**changes))
    svc.fund_report_submit(report=report, actor=editor)
    return svc.fund_report_approve(report=report, actor=staff, reason="Matches the report.")


def form_post(**overrides) -> dict:
    body = {
        "year": "2026",
        "period": "q2",
        "fund_size": "1,200,000,000.00",
        "fund_size_date": "2026-06-30",
        "benchmark_name": "CSI 300 Index",
        "benchmark_return_percent": "-3.10",
        "managers-TOTAL_FORMS": "2",
        "managers-INITIAL_FORMS": "0",
        "managers-MIN_NUM_FORMS": "1",
        "managers-MAX_NUM_FORMS": "5",
        "managers-0-name": "Li Ming",
        "managers-0-since": "2021-03-15",
        "managers-0-bio": "",
        "holdings-TOTAL_FORMS": "10",
        "holdings-INITIAL_FORMS": "0",
        "holdings-MIN_NUM_FORMS": "0",
        "holdings-MAX_NUM_FORMS": "10",
        "holdings-0-name": "Kweichow Moutai",
        "holdings-0-code": "600519",
        "holdings-0-percent_of_nav": "9.85",
        "allocation-stocks": "80",
        "allocation-bonds": "10",
        "allocation-cash": "10",
        "allocation-other": "0",
    }
    body.update(overrides)
    return body


API_BODY = {
    "year": 2026,
    "period": "q2",
    "fund_size": "2350000000.00",
    "fund_size_date": "2026-06-30",
    "benchmark_name": "CSI 300 Index",
    "benchmark_return_1y_percent": "12.40",
    "managers": [{"name": "Li Ming", "since": "2021-03-15"}],
    "holdings": [{"name": "Kweichow Moutai", "code": "600519", "percent_of_nav": "9.85"}],
    "allocation": {"stocks": "85.20", "bonds": "5.00", "cash": "9.30", "other": "0.50"},
}
