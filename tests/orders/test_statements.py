"""Monthly statements: closed once per institution and month, lines that add up to the
statement and to the commission entries to the cent, late entries on the next statement, paid
by staff only; the portal, API, CSV and staff pages."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from orders import services
from orders.models import CommissionEntry, Statement
from products.models import NavPrice, ProductKind
from tests.factories import (
    CommissionContractFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    investor_with_cash,
)
from tests.orders.test_end_of_day import MONDAY, buy, sell

pytestmark = pytest.mark.django_db
DECEMBER_2 = dt.date(2026, 12, 2)


@pytest.fixture
def november(django_capture_on_commit_callbacks):
    """An institution with a fund and a policy: November purchases confirmed, a redemption
    settled, trail accrued for a few days, a policy cancelled (a correction)."""
    fund = ProductFactory()
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1, institution=fund.institution)
    for product in (fund, policy):
        CommissionContractFactory(
            institution=fund.institution,
            product_kind=product.kind,
            upfront_rate=Decimal("0.004"),
            trail_rate=Decimal("0.3"),
            valid_from=dt.date(2026, 1, 1),
        )
    users = [investor_with_cash(cash="30000") for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for i, user in enumerate(users):
            buy(user, fund, str(5000 + 1000 * i))
        buy(users[0], policy, "1200")
        NavPrice.objects.create(product=fund, date=MONDAY, nav=Decimal("1.0000"))
        services.end_of_day(run_date=MONDAY)
        sell(users[1], fund, "1000", day=MONDAY + dt.timedelta(days=1))
        sell(users[0], policy, "1", day=MONDAY + dt.timedelta(days=2))
        for offset in (1, 2, 3):
            day = MONDAY + dt.timedelta(days=offset)
            NavPrice.objects.get_or_create(product=fund, date=day, defaults={"nav": "1.0100"})
            services.end_of_day(run_date=day)
    return fund.institution, fund, policy


def test_closing_a_month_sums_lines_that_reconcile_to_the_entries(november):
    institution, fund, policy = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)

    entries = CommissionEntry.objects.filter(statement=statement)
    assert entries.count() == CommissionEntry.objects.filter(institution=institution).count()
    lines = list(statement.lines.all())
    for field, total in [
        ("subscriptions", statement.gross_subscriptions),
        ("redemptions", statement.gross_redemptions),
        ("fees", statement.fees_collected),
        ("upfront", statement.upfront_commission),
        ("trail", statement.trail_commission),
        ("corrections", statement.corrections),
    ]:
        assert sum(getattr(line, field) for line in lines) == total
    assert statement.commission == sum(e.amount for e in entries)
    assert statement.upfront_commission == sum(e.amount for e in entries if e.kind == "upfront")
    assert statement.corrections == Decimal("-4.80")  # the policy's 0.4% of 1,200 given back
    assert statement.gross_subscriptions == Decimal("19200.00")  # 5,000 + 6,000 + 7,000 + 1,200
    net = (
        statement.gross_subscriptions
        - statement.gross_redemptions
        - statement.commission
        + statement.platform_coupons
    )
    assert statement.payable_to_institution - statement.payable_to_platform == net


def test_a_closed_statement_never_changes_and_late_entries_go_to_the_next_month(november):
    institution, fund, policy = november
    first = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    before = (first.commission, first.lines.count())
    late = CommissionEntry.objects.filter(institution=institution, kind="trail").first()
    CommissionEntry.objects.create(
        institution=institution,
        product=fund,
        kind="correction",
        accrual_date=dt.date(2026, 11, 30),
        basis=0,
        rate=0,
        amount=Decimal("-1.00"),
    )
    again = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.commission, again.lines.count()) == before
    december = services.statement_close(
        institution=institution, month=dt.date(2026, 12, 1), today=dt.date(2027, 1, 1)
    )
    assert december.corrections == Decimal("-1.00")
    assert late.statement_id == first.pk or late.statement_id is None


def test_a_month_that_is_not_over_cannot_close(november):
    institution, *_ = november
    with pytest.raises(ValidationError, match="not over"):
        services.statement_close(institution=institution, month=MONDAY, today=dt.date(2026, 11, 30))


def test_close_month_command_closes_every_active_institution_once(november, monkeypatch):
    institution, *_ = november
    monkeypatch.setattr("orders.services.settlement.timezone.localdate", lambda: DECEMBER_2)
    out = io.StringIO()
    call_command("close_month", "2026-11", stdout=out)
    call_command("close_month", "2026-11", stdout=io.StringIO())
    assert Statement.objects.filter(month=dt.date(2026, 11, 1)).count() == 1
    assert "1 statement(s) closed" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("close_month", "November")


def test_only_staff_mark_a_statement_paid_and_only_once(november):
    institution, *_ = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    member = MembershipFactory(institution=institution).user
    with pytest.raises(PermissionDenied):
        services.statement_mark_paid(statement=statement, actor=member)
    staff = StaffFactory()
    paid = services.statement_mark_paid(statement=statement, actor=staff)
    assert (paid.status, paid.paid_by) == ("paid", staff)
    with pytest.raises(ValidationError, match="already"):
        services.statement_mark_paid(statement=statement, actor=staff)


# --- pages, API and CSV ----------------------------------------------------------------


def test_portal_statement_page_and_csv_agree(client, november):
    institution, fund, policy = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    client.force_login(MembershipFactory(institution=institution).user)

    listing = client.get("/portal/statements/")
    assert listing.status_code == 200
    assert "2026-11" in listing.content.decode()
    page = client.get(f"/portal/statements/{statement.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    download = client.get(f"/portal/statements/{statement.pk}/csv/")
    assert download["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    by_product = {row["product"]: row for row in rows}
    assert by_product[fund.name]["commission"] == str(statement.lines.get(product=fund).commission)
    assert by_product["Total"]["commission"] == str(statement.commission)
    for row in rows:
        assert f"{Decimal(row['commission']):,.2f}" in text
    printable = client.get(f"/portal/statements/{statement.pk}/print/")
    assert printable.status_code == 200

    api = client.get("/api/v1/portal/statements/").json()
    assert api["results"][0]["commission"] == str(statement.commission)
    detail = client.get(f"/api/v1/portal/statements/{statement.pk}/").json()
    assert len(detail["lines"]) == statement.lines.count()


def test_another_institutions_statement_is_a_404(client, november):
    institution, *_ = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    client.force_login(MembershipFactory().user)
    for url in (
        f"/portal/statements/{statement.pk}/",
        f"/portal/statements/{statement.pk}/csv/",
        f"/portal/statements/{statement.pk}/print/",
        f"/api/v1/portal/statements/{statement.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_staff_see_all_statements_with_totals_and_mark_one_paid(client, november):
    institution, *_ = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get("/staff/statements/", {"month": "2026-11"})
    assert page.status_code == 200
    assert institution.name in page.content.decode()
    response = client.post(f"/staff/statements/{statement.pk}/paid/")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == "paid"
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200
    assert "Revenue" in dashboard.content.decode()


def test_non_staff_get_a_404_from_staff_statements(client, november):
    institution, *_ = november
    client.force_login(MembershipFactory(institution=institution).user)
    assert client.get("/staff/statements/").status_code == 404


def test_staff_open_a_statement_with_its_lines_and_csv(client, november):
    institution, fund, policy = november
    statement = services.statement_close(institution=institution, month=MONDAY, today=DECEMBER_2)
    client.force_login(StaffFactory())
    page = client.get(f"/staff/statements/{statement.pk}/")
    assert page.status_code == 200
    assert fund.name in page.content.decode()
    download = client.get(f"/staff/statements/{statement.pk}/", {"format": "csv"})
    assert download["Content-Type"].startswith("text/csv")
    assert fund.name in download.content.decode()
