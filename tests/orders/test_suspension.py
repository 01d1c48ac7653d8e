"""A suspended institution never traps investors' money: sells and withdrawals go through, new
buys are refused with the reason, staff publish NAV for it (audited), staff cancel and refund
what cannot settle, and orders stuck pending show on the staff overview with their reason."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.models import InstitutionStatus
from institutions.services.applications import institution_suspend
from orders import services
from orders.models import CashEntry, Holding, OrderStatus
from orders.selectors import WAITING_NO_NAV, WAITING_SUSPENDED, orders_stuck_pending
from products import services as product_services
from products.models import NavPrice, ProductEvent, ProductEventKind, ProductKind
from tests.factories import ProductFactory, StaffFactory, investor_with_cash

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)
THURSDAY = dt.date(2026, 11, 26)


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def buy(user, product, amount, day=MONDAY):
    return services.order_place(user=user, product=product, side="buy", amount=amount, now=at(day))[
        0
    ]


def suspend(institution):
    institution_suspend(institution=institution, actor=StaffFactory(), reason="Licence review.")
    institution.refresh_from_db()


def held_fund(user, product, day=MONDAY):
    order = buy(user, product, "1000", day=day)
    NavPrice.objects.create(product=product, date=day, nav=Decimal("1.0000"))
    services.end_of_day(run_date=day)
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    return Holding.objects.get(user=user, product=product)


def test_buying_from_a_suspended_institution_is_refused_with_the_reason():
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    suspend(product.institution)

    with pytest.raises(ValidationError) as caught:
        buy(user, product, "1000")

    assert caught.value.error_dict["product"][0].code == "institution_suspended"
    assert CashEntry.objects.filter(kind="purchase").count() == 0


def test_staff_publish_nav_for_a_suspended_institution_so_its_sells_settle():
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    holding = held_fund(user, product)
    suspend(product.institution)
    sell, _ = services.order_place(
        user=user, product=product, side="sell", units="500", now=at(TUESDAY)
    )
    assert sell.status == OrderStatus.PENDING

    staff = StaffFactory()
    with pytest.raises(ValidationError) as caught:
        product_services.nav_upload(
            product=product, actor=staff, rows=[(2, str(TUESDAY), "1.1000")], reason=""
        )
    assert caught.value.error_dict["reason"][0].code == "reason_required"
    report = product_services.nav_upload(
        product=product,
        actor=staff,
        rows=[(2, str(TUESDAY), "1.1000")],
        reason="Published for the suspended institution so that redemptions settle.",
    )
    assert report.added == 1
    event = ProductEvent.objects.filter(product=product, kind=ProductEventKind.NAV_UPLOADED).first()
    assert (event.actor, event.changes["by_staff"]) == (staff, True)
    assert "redemptions settle" in event.reason

    services.end_of_day(run_date=TUESDAY)
    sell.refresh_from_db()
    holding.refresh_from_db()
    assert (sell.status, sell.nav, holding.units) == (
        OrderStatus.SETTLED,
        Decimal("1.1000"),
        Decimal("485.22"),  # 985.22 bought, 500 sold
    )
    assert CashEntry.objects.filter(kind="redemption", reference=f"order:{sell.pk}").exists()


def test_institution_members_cannot_upload_nav_while_suspended(member_of):
    product = ProductFactory()
    editor = member_of(product.institution, "editor")
    suspend(product.institution)
    with pytest.raises(PermissionDenied):
        product_services.nav_upload(product=product, actor=editor, rows=[(2, str(MONDAY), "1")])


def test_savings_of_a_suspended_bank_can_still_be_withdrawn():
    user = investor_with_cash(cash="20000")
    product = ProductFactory(kind=ProductKind.SAVINGS, fund_type="")
    buy(user, product, "10000")
    services.end_of_day(run_date=MONDAY)
    suspend(product.institution)

    order, _ = services.order_place(
        user=user, product=product, side="sell", units="10000", now=at(TUESDAY)
    )
    services.end_of_day(run_date=TUESDAY)
    order.refresh_from_db()
    assert order.status == OrderStatus.SETTLED
    assert order.amount >= Decimal("10000")


def test_staff_cancel_and_refund_a_buy_left_pending_by_a_suspension(
    django_capture_on_commit_callbacks, mailoutbox
):
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order = buy(user, product, "1000")
    suspend(product.institution)
    staff = StaffFactory()

    with pytest.raises(ValidationError) as caught:
        services.order_cancel_by_staff(order=order, actor=staff, reason=" ")
    assert caught.value.error_dict["reason"][0].code == "reason_required"

    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel_by_staff(
            order=order, actor=staff, reason="The institution is suspended; no NAV will come."
        )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert "no NAV will come" in order.events.last().reason
    assert services.cash_account_for(user=user).balance == Decimal("5000")
    assert CashEntry.objects.filter(kind="refund", reference=f"order:{order.pk}").exists()
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert services.reconcile_cash() == []


def test_only_staff_cancel_an_order_for_the_investor():
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order = buy(user, product, "1000")
    with pytest.raises(PermissionDenied):
        services.order_cancel_by_staff(order=order, actor=user, reason="Mine.")


def test_orders_pending_past_two_trading_days_show_on_the_staff_overview_with_reason(
    staff_client,
):
    user = investor_with_cash(cash="5000")
    waiting_nav, suspended = ProductFactory(), ProductFactory()
    no_nav = buy(user, waiting_nav, "1000")
    frozen = buy(user, suspended, "1000")
    recent = buy(user, waiting_nav, "1000", day=TUESDAY)
    suspend(suspended.institution)

    stuck = {s.order.pk: s.reason for s in orders_stuck_pending(today=WEDNESDAY)}
    assert stuck == {
        no_nav.pk: WAITING_NO_NAV.format(date=MONDAY),
        frozen.pk: str(WAITING_SUSPENDED),
    }
    assert recent.pk in {s.order.pk for s in orders_stuck_pending(today=THURSDAY)}

    page = staff_client.get(reverse("staff_orders:home"))
    assert page.status_code == 200
    # (the page's "today" is the real date, long after these trade dates)
    assert f"/staff/orders/{frozen.pk}/cancel/" in page.content.decode()
    assert page.context["stuck"]


def test_staff_cancel_from_the_overview(staff_client):
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order = buy(user, product, "1000")
    response = staff_client.post(
        reverse("staff_orders:order-cancel", args=[order.pk]), {"reason": "No NAV will come."}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert product.institution.status == InstitutionStatus.APPROVED


def test_staff_publish_nav_from_their_page_with_a_reason(staff_client):
    product = ProductFactory()
    suspend(product.institution)
    url = reverse("staff_products:nav", args=[product.slug])
    assert staff_client.get(url).status_code == 200

    def upload(reason):
        csv = SimpleUploadedFile("nav.csv", f"date,nav\n{MONDAY},1.2345\n".encode())
        return staff_client.post(url, {"file": csv, "reason": reason})

    assert upload("").status_code == 400
    assert not NavPrice.objects.filter(product=product).exists()
    assert upload("Institution suspended; prices from the custodian.").status_code == 200
    assert NavPrice.objects.get(product=product).nav == Decimal("1.2345")


def test_a_buy_pending_when_its_institution_is_suspended_confirms_at_the_nav_staff_publish():
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order = buy(user, product, "1000")
    suspend(product.institution)

    product_services.nav_upload(
        product=product,
        actor=StaffFactory(),
        rows=[(2, str(MONDAY), "1.0000")],
        reason="Published for the suspended institution.",
    )
    services.end_of_day(run_date=MONDAY)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert orders_stuck_pending(today=THURSDAY) == []
