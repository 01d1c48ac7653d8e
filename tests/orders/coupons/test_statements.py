"""Coupon costs on the payer's statement: the institution's own as its line (inside the fees
already), the platform's owed to the institution and added to its net; cancelled or rejected
orders' discounts never count; reconcile_statements checks them."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest

from orders import services
from orders.coupons.models import Coupon, CouponRedemption
from orders.models import Order
from products.models import NavPrice
from tests.factories import ProductFactory, investor_with_cash

from .factories import make_coupon

pytestmark = pytest.mark.django_db


def test_coupon_costs_land_on_the_statement_by_payer(clock):
    fund = ProductFactory()
    institution = fund.institution
    own = make_coupon(product=fund, code="OWN", per_user_limit=5)
    make_coupon(
        platform=True, code="PLATFORM", kind="fee_voucher", amount_off=D("30"), per_user_limit=5
    )
    user = investor_with_cash(cash="50000")

    def buy(code):
        return services.order_place(
            user=user, product=fund, side="buy", amount="10000", coupon=code
        )[0]

    kept, _platform, cancelled = buy("OWN"), buy("PLATFORM"), buy("OWN")
    services.order_cancel(order=cancelled, actor=user)
    NavPrice.objects.create(product=fund, date=kept.trade_date, nav=D("1.0000"))
    clock.set(kept.trade_date, 20)
    services.end_of_day(run_date=kept.trade_date)
    clock.set(dt.date(2026, 12, 2))

    statement = services.statement_close(institution=institution, month=dt.date(2026, 11, 1))

    assert statement.coupon_costs == D("73.34")
    assert statement.platform_coupons == D("30.00")
    assert statement.fees_collected == D("74.44") + D("117.78")
    line = statement.lines.get()
    assert (line.coupon_costs, line.platform_coupons) == (D("73.34"), D("30.00"))
    net = statement.gross_subscriptions - statement.commission + statement.platform_coupons
    assert statement.payable_to_institution - statement.payable_to_platform == net
    assert services.reconcile_statements() == []
    # The CSV, the page and the print page show both figures.
    from orders.exports import statement_csv

    csv = statement_csv(statement).content.decode()
    assert "coupon_costs" in csv.splitlines()[0]
    assert "platform_coupons" in csv.splitlines()[0]
    assert "73.34" in csv
    assert "30.00" in csv
    assert own.pk
    assert Order.objects.get(pk=cancelled.pk).statement is None


def test_reconcile_finds_a_coupon_counter_out_of_step(clock):
    fund = ProductFactory()
    coupon = make_coupon(product=fund, code="XYZ")
    user = investor_with_cash(cash="20000")
    services.order_place(user=user, product=fund, side="buy", amount="10000", coupon="XYZ")
    assert services.reconcile_statements() == []

    Coupon.objects.filter(pk=coupon.pk).update(spent=D("1.00"))
    CouponRedemption.objects.update(status="used")

    problems = services.reconcile_statements()
    assert any(f"coupon {coupon.pk}: spent" in p for p in problems)
    assert any("is used but order" in p for p in problems)


def test_statement_pages_show_the_coupon_lines(client, clock):
    from institutions.models import Role
    from orders.models import Statement
    from tests.factories import MembershipFactory, UserFactory

    fund = ProductFactory()
    statement = Statement.objects.create(
        institution=fund.institution,
        month=dt.date(2026, 10, 1),
        coupon_costs=D("12.34"),
        platform_coupons=D("56.78"),
        payable_to_institution=D("56.78"),
    )
    user = UserFactory()
    MembershipFactory(institution=fund.institution, user=user, role=Role.ANALYST)
    client.force_login(user)
    for url in (f"/portal/statements/{statement.pk}/", f"/portal/statements/{statement.pk}/print/"):
        html = client.get(url).content.decode()
        assert "12.34" in html, url
        assert "56.78" in html, url
