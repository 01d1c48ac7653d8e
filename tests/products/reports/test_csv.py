"""A report's CSV: every record read, the template read back, a bad file saves nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from products.models import FundReport
from products.services import report_csv as csvsvc
from products.services import reports as svc

from .support import GOOD_CSV

pytestmark = pytest.mark.django_db


def test_the_csv_reads_every_record():
    parsed = csvsvc.parse_report_csv(GOOD_CSV.encode())
    assert (parsed.year, parsed.period) == (2026, "q2")
    assert parsed.fund_size == Decimal("2350000000.00")
    assert parsed.benchmark_return_percent == Decimal("12.40")
    assert [m.name for m in parsed.managers] == ["Li Ming", "Wang Fang"]
    assert parsed.holdings[1] == svc.HoldingRow("Contemporary Amperex", "300750", Decimal("7.20"))
    assert sum(parsed.allocation.values()) == 100


def test_the_template_reads_back_as_the_same_report():
    from products.report_portal import TEMPLATE_DATA

    assert csvsvc.parse_report_csv(csvsvc.report_csv(TEMPLATE_DATA)) == TEMPLATE_DATA


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("holding,Moutai,600519,abc,,", "Line 7, column value"),
        ("holding,Moutai,600519,101,,", "Line 7, column value"),
        ("holding,Moutai,600519,9.855,,", "Line 7, column value"),
        ("holding,,600519,9.85,,", "Line 7, column name"),
        ("manager,Li,,,2021-02-30,", "Line 7, column date"),
        ("allocation,gold,,1,,", "Line 7, column name"),
        ("allocation,stocks,,1,,", "Line 10, column name"),
        ("dividend,x,,1,,", "Line 7, column record"),
    ],
)
def test_a_bad_csv_names_the_line_and_column_and_saves_nothing(
    fund, editor, client, bad_line, expected
):
    lines = GOOD_CSV.splitlines()
    lines.insert(6, bad_line)
    with pytest.raises(ValidationError) as caught:
        csvsvc.parse_report_csv("\n".join(lines).encode())
    messages = [m for e in caught.value.error_dict["file"] for m in e.messages]
    assert any(m.startswith(expected) for m in messages), messages
    client.force_login(editor)
    upload = SimpleUploadedFile("r.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(
        f"/portal/products/{fund.slug}/report/", {"source": "csv", "file": upload}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not FundReport.objects.exists()


def test_a_csv_whose_allocation_is_not_100_saves_nothing(fund, editor, client):
    client.force_login(editor)
    body = GOOD_CSV.replace("allocation,other,,0.50,,", "allocation,other,,1.50,,")
    upload = SimpleUploadedFile("r.csv", body.encode(), content_type="text/csv")
    response = client.post(f"/portal/products/{fund.slug}/report/", {"file": upload})
    assert response.status_code == 400
    assert "101.00%" in response.content.decode()
    assert not FundReport.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe not utf-8",
        b"date,nav\n2026-01-01,1.0\n",
        b"record,name,code,value,date,note\nperiod,2026 Q2,,,,\n",
        b"record,name,code,value,date,note\nperiod,someday,,,,\n",
    ],
)
def test_unreadable_or_incomplete_files_are_refused(body):
    with pytest.raises(ValidationError) as caught:
        csvsvc.parse_report_csv(body)
    assert "file" in caught.value.error_dict
