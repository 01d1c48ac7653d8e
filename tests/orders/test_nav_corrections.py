"""A NAV that priced orders is never overwritten by an upload; a staff-approved correction keeps
the old value and re-prices the orders with new rows only (unit movements on the lots, cash
entries of kind ``correction``), tells each investor, and the ledger still reconciles."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from orders import services
from orders.models import (
    CashEntry,
    CorrectionStatus,
    Holding,
    Lot,
    LotMovement,
    NavCorrection,
    NavCorrectionLine,
    OrderStatus,
)
from products import services as product_services
from products.models import FeeSchedule, FeeTier, NavPrice
from tests.factories import ProductFactory, StaffFactory, investor_with_cash

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def flat_rate_fund(rate="0.006"):
    product = ProductFactory()
    FeeTier.objects.filter(product=product, schedule=FeeSchedule.SUBSCRIPTION).delete()
    FeeTier.objects.create(
        product=product, schedule=FeeSchedule.SUBSCRIPTION, lower=0, rate=Decimal(rate)
    )
    return product


def priced_buy(user, product, amount="10000", nav="1.2345", day=MONDAY):
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount=amount, now=at(day)
    )
    NavPrice.objects.create(product=product, date=day, nav=Decimal(nav))
    services.end_of_day(run_date=day)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    return order


def corrected(product, day, new_nav):
    correction = services.nav_correction_request(
        product=product,
        date=day,
        new_nav=new_nav,
        reason="Custodian repriced a bond.",
        actor=StaffFactory(),
    )
    services.nav_correction_approve(correction=correction, actor=StaffFactory())
    correction.refresh_from_db()
    return correction


def ledger():
    return list(CashEntry.objects.order_by("pk").values_list("pk", "kind", "amount"))


# --- uploads refuse priced NAVs ------------------------------------------------------------------


def test_upload_cannot_change_a_nav_that_already_priced_orders(member_of):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    priced_buy(user, product)
    NavPrice.objects.create(product=product, date=TUESDAY, nav=Decimal("1.3000"))  # unpriced
    assert NavPrice.objects.get(product=product, date=MONDAY).priced_at is not None
    editor = member_of(product.institution, "editor")

    report = product_services.nav_upload(
        product=product,
        actor=editor,
        rows=[(2, str(MONDAY), "1.5000"), (3, str(TUESDAY), "1.3100")],
    )

    [refused] = report.rejected
    assert (refused.line, refused.code) == (2, "nav_priced")
    assert report.updated == 1
    assert NavPrice.objects.get(product=product, date=MONDAY).nav == Decimal("1.2345")
    assert NavPrice.objects.get(product=product, date=TUESDAY).nav == Decimal("1.3100")
    # The same value again is simply unchanged, not an error.
    again = product_services.nav_upload(
        product=product, actor=editor, rows=[(2, str(MONDAY), "1.2345")]
    )
    assert (again.unchanged, again.rejected) == (1, [])


def test_portal_api_refuses_a_priced_nav_row_with_its_message(client, member_of):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    priced_buy(user, product)
    client.force_login(member_of(product.institution, "editor"))
    response = client.post(
        f"/api/v1/portal/products/{product.slug}/nav/",
        {"rows": [{"date": str(MONDAY), "nav": "1.5000"}]},
        content_type="application/json",
    )
    assert response.status_code == 200
    [row] = response.json()["rejected"]
    assert (row["line"], row["code"]) == (1, "nav_priced")
    assert row["message"] == str(product_services.NAV_PRICED.format(nav=Decimal("1.2345")))
    assert NavPrice.objects.get(product=product, date=MONDAY).nav == Decimal("1.2345")


# --- corrections ---------------------------------------------------------------------------------


def test_correction_reprices_a_buy_with_a_unit_movement_and_tells_the_investor(
    django_capture_on_commit_callbacks, mailoutbox
):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    order = priced_buy(user, product)  # 9940.36 / 1.2345 → 8052.13 units
    assert order.units == Decimal("8052.13")
    before = ledger()

    with django_capture_on_commit_callbacks(execute=True):
        correction = corrected(product, MONDAY, "1.2000")

    order.refresh_from_db()
    assert correction.status == CorrectionStatus.APPROVED
    assert (correction.old_nav, correction.new_nav) == (Decimal("1.2345"), Decimal("1.2000"))
    assert NavPrice.objects.get(product=product, date=MONDAY).nav == Decimal("1.2000")
    assert (order.units, order.nav, order.fee) == (
        Decimal("8283.63"),  # 9940.36 / 1.2 rounded down
        Decimal("1.2000"),
        Decimal("59.64"),
    )
    holding = Holding.objects.get(user=user, product=product)
    lot = Lot.objects.get(order=order)
    assert holding.units == lot.units_remaining == Decimal("8283.63")
    movement = LotMovement.objects.get(lot=lot)
    assert (movement.kind, movement.units) == ("corr_add", Decimal("231.50"))
    assert ledger() == before  # no cash moves and no entry is edited
    line = NavCorrectionLine.objects.get(correction=correction)
    assert (line.old_units, line.new_units, line.cash_owed) == (
        Decimal("8052.13"),
        Decimal("8283.63"),
        Decimal(0),
    )
    assert "1.2345" in order.events.last().reason
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert services.reconcile_cash() == []


def test_correction_takes_back_units_and_settles_units_already_sold_in_cash():
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    order = priced_buy(user, product, nav="1.0000")  # 9940.36 units
    services.order_place(user=user, product=product, side="sell", units="9900", now=at(TUESDAY))
    NavPrice.objects.create(product=product, date=TUESDAY, nav=Decimal("1.0000"))
    services.end_of_day(run_date=TUESDAY)
    balance = services.cash_account_for(user=user).balance

    correction = corrected(product, MONDAY, "1.2500")  # 7952.28 units were due

    line = NavCorrectionLine.objects.get(correction=correction, order=order)
    # 1988.08 too many: the 40.36 left are taken back, the 1947.72 sold are paid back in cash
    # at the corrected NAV.
    assert line.units_moved == Decimal("-40.36")
    assert line.cash_owed == line.cash_posted == Decimal("-2434.65")
    holding = Holding.objects.get(user=user, product=product)
    assert (holding.units, holding.cost) == (Decimal(0), Decimal(0))
    entry = CashEntry.objects.get(kind="correction")
    assert entry.amount == Decimal("-2434.65")
    assert services.cash_account_for(user=user).balance == balance - Decimal("2434.65")
    assert services.reconcile_cash() == []


def test_a_correction_debit_never_takes_cash_below_zero():
    user, product = investor_with_cash(cash="10000"), flat_rate_fund()
    priced_buy(user, product, nav="1.0000")
    services.order_place(user=user, product=product, side="sell", units="9900", now=at(TUESDAY))
    NavPrice.objects.create(product=product, date=TUESDAY, nav=Decimal("1.0000"))
    services.end_of_day(run_date=TUESDAY)
    cash = services.cash_account_for(user=user).balance
    services.order_place(
        user=user, product=ProductFactory(), side="buy", amount=str(cash), now=at(WEDNESDAY)
    )

    correction = corrected(product, MONDAY, "1.2500")

    line = correction.lines.get()
    assert (line.cash_owed, line.cash_posted) == (Decimal("-2434.65"), Decimal(0))
    assert services.cash_account_for(user=user).balance == 0
    assert services.reconcile_cash() == []


def test_correction_reprices_a_settled_sale_in_cash_lot_by_lot():
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    priced_buy(user, product, nav="1.0000")
    sale, _ = services.order_place(
        user=user, product=product, side="sell", units="1000", now=at(TUESDAY)
    )
    NavPrice.objects.create(product=product, date=TUESDAY, nav=Decimal("1.1000"))
    services.end_of_day(run_date=TUESDAY)
    sale.refresh_from_db()
    assert (sale.amount, sale.fee) == (Decimal("1083.50"), Decimal("16.50"))  # 1.5% < 7 days

    correction = corrected(product, TUESDAY, "1.0500")

    sale.refresh_from_db()
    assert (sale.gross_amount, sale.fee, sale.amount, sale.nav) == (
        Decimal("1050.00"),
        Decimal("15.75"),
        Decimal("1034.25"),
        Decimal("1.0500"),
    )
    assert CashEntry.objects.get(kind="correction").amount == Decimal("-49.25")
    assert correction.lines.get().old_amount == Decimal("1083.50")
    assert services.reconcile_cash() == []


def test_correction_rules_reason_staff_approval_by_someone_else(member_of):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    priced_buy(user, product)
    editor, staff = member_of(product.institution, "editor"), StaffFactory()

    with pytest.raises(PermissionDenied):
        services.nav_correction_request(
            product=product, date=MONDAY, new_nav="1.2", reason="Mine.", actor=user
        )
    with pytest.raises(ValidationError) as caught:
        services.nav_correction_request(
            product=product, date=MONDAY, new_nav="1.2", reason=" ", actor=editor
        )
    assert caught.value.error_dict["reason"][0].code == "reason_required"
    with pytest.raises(ValidationError) as caught:
        services.nav_correction_request(
            product=product, date=TUESDAY, new_nav="1.2", reason="Typo.", actor=editor
        )
    assert caught.value.error_dict["date"][0].code == "no_nav"

    correction = services.nav_correction_request(
        product=product, date=MONDAY, new_nav="1.2000", reason="Typo in the file.", actor=editor
    )
    with pytest.raises(ValidationError) as caught:
        services.nav_correction_request(
            product=product, date=MONDAY, new_nav="1.2100", reason="Again.", actor=staff
        )
    assert caught.value.code == "correction_pending"
    with pytest.raises(PermissionDenied):
        services.nav_correction_approve(correction=correction, actor=editor)

    own = StaffFactory()
    services.nav_correction_reject(correction=correction, actor=staff, reason="Wrong date.")
    mine = services.nav_correction_request(
        product=product, date=MONDAY, new_nav="1.2000", reason="Typo.", actor=own
    )
    with pytest.raises(PermissionDenied):
        services.nav_correction_approve(correction=mine, actor=own)
    assert NavPrice.objects.get(product=product, date=MONDAY).nav == Decimal("1.2345")
    assert NavCorrection.objects.get(pk=correction.pk).status == CorrectionStatus.REJECTED


def test_staff_list_and_approve_pending_corrections_on_their_page(client, member_of):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    order = priced_buy(user, product)
    correction = services.nav_correction_request(
        product=product,
        date=MONDAY,
        new_nav="1.2000",
        reason="Typo in the file.",
        actor=member_of(product.institution, "editor"),
    )
    client.force_login(StaffFactory())
    page = client.get(reverse("staff_orders:nav-corrections"))
    assert page.status_code == 200
    assert list(page.context["pending"]) == [correction]

    response = client.post(
        reverse("staff_orders:nav-correction-decide", args=[correction.pk]), {"action": "approve"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.units == Decimal("8283.63")


def test_institution_asks_for_a_correction_through_the_portal_api(client, member_of):
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    priced_buy(user, product)
    client.force_login(member_of(product.institution, "editor"))
    url = f"/api/v1/portal/products/{product.slug}/nav/corrections/"

    missing = client.post(
        url, {"date": str(MONDAY), "nav": "1.2", "reason": ""}, content_type="application/json"
    )
    assert missing.status_code == 400
    response = client.post(
        url,
        {"date": str(MONDAY), "nav": "1.2000", "reason": "Typo in the file."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["old_nav"], response.json()["status"]) == ("1.2345", "pending")
    assert client.get(url).json()[0]["new_nav"] == "1.2000"
    other = ProductFactory()
    assert client.get(f"/api/v1/portal/products/{other.slug}/nav/corrections/").status_code == 404
