"""A coupon at checkout: fixed at placement, charged exactly on confirmation, released on
cancel or reject, and each reason it cannot be used a distinct code on ``coupon``."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.coupons import services as coupons
from orders.coupons.models import (
    Coupon,
    CouponGrant,
    CouponKind,
    CouponRedemption,
    CouponStatus,
    RedemptionStatus,
)
from orders.models import CashAccount, Order, OrderStatus
from products.models import NavPrice, ProductKind
from tests.factories import ProductFactory, StaffFactory, investor_with_cash

from .factories import make_coupon

pytestmark = pytest.mark.django_db


def _buy(user, product, amount="10000", coupon="", **kw):
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount=amount, coupon=coupon, **kw
    )
    return order


def _code_of(exc: pytest.ExceptionInfo) -> str:
    return exc.value.error_dict["coupon"][0].code


def _confirm(order, clock, nav="1.0000"):
    NavPrice.objects.get_or_create(
        product=order.product, date=order.trade_date, defaults={"nav": D(nav)}
    )
    clock.set(order.trade_date, 20)
    services.end_of_day(run_date=order.trade_date)
    order.refresh_from_db()
    return order


def test_the_discount_is_fixed_at_placement_and_charged_on_confirmation(investor, clock):
    product = ProductFactory()
    coupon = make_coupon(product=product, code="HALF")

    order = _buy(investor, product, coupon="half")

    assert (order.list_fee, order.discount, order.fee) == (D("147.78"), D("73.34"), D("74.44"))
    redemption = CouponRedemption.objects.get(order=order)
    assert redemption.status == RedemptionStatus.HELD
    coupon.refresh_from_db()
    assert (coupon.spent, coupon.redeemed) == (D("73.34"), 1)
    # The issuer edits nothing now (it is redeemed) and the order keeps its discount.
    with pytest.raises(ValidationError):
        coupons.coupon_update(coupon=coupon, actor=None, percent_off=D("10.00"))

    order = _confirm(order, clock)
    assert order.status == OrderStatus.CONFIRMED
    assert order.fee == D("74.44")
    assert order.net_amount == D("9925.56")
    assert order.units == D("9925.56")
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.USED


def test_an_order_without_coupon_is_unchanged(investor, clock):
    order = _buy(investor, ProductFactory())
    assert order.discount is None
    assert order.list_fee is None
    assert order.fee is None
    assert _confirm(order, clock).fee == D("147.78")


def test_a_rate_card_serves_its_next_n_purchases_then_stops(clock):
    user = investor_with_cash(cash="100000")
    product = ProductFactory()
    card = make_coupon(product=product, kind=CouponKind.FEE_RATE_CARD, per_user_limit=2)
    coupons.coupon_grant(coupon=card, user=user)

    first = _buy(user, product, coupon=str(card.pk))
    second = _buy(user, product, coupon=str(card.pk))
    with pytest.raises(ValidationError) as exc:
        _buy(user, product, coupon=str(card.pk))

    assert first.fee == second.fee == D("14.98")
    assert _code_of(exc) == "coupon_limit_reached"
    assert CouponGrant.objects.get(coupon=card, user=user).uses_left == 0


def test_a_granted_coupon_without_code_is_only_for_its_grantees(investor, clock):
    product = ProductFactory()
    card = make_coupon(product=product)
    with pytest.raises(ValidationError) as exc:
        _buy(investor, product, coupon=str(card.pk))
    assert _code_of(exc) == "coupon_unknown"


@pytest.mark.parametrize("who", ["investor", "staff"])
def test_cancelling_releases_the_coupon(investor, clock, who):
    product = ProductFactory()
    coupon = make_coupon(product=product, code="ONCE", max_count=1)
    order = _buy(investor, product, coupon="ONCE")
    if who == "investor":
        services.order_cancel(order=order, actor=investor)
    else:
        services.order_cancel_by_staff(order=order, actor=StaffFactory(), reason="Suspended.")

    coupon.refresh_from_db()
    assert (coupon.spent, coupon.redeemed) == (0, 0)
    assert CouponRedemption.objects.get(order=order).status == RedemptionStatus.RELEASED
    assert CouponGrant.objects.get(coupon=coupon, user=investor).uses_left == 1
    assert CashAccount.objects.get(user=investor).balance == D("20000")
    # ... and it can be used again.
    assert _buy(investor, product, coupon="ONCE").discount == D("73.34")


def test_a_rejected_order_releases_its_coupon(investor, clock):
    product = ProductFactory()
    coupon = make_coupon(
        product=product, code="TINY", kind=CouponKind.FEE_VOUCHER, amount_off=D("0.10")
    )
    order = _buy(investor, product, amount="10", coupon="TINY")
    order = _confirm(order, clock, nav="1000.0000")  # 9.95 / 1000 rounds down to no units

    assert order.status == OrderStatus.REJECTED
    coupon.refresh_from_db()
    assert (coupon.spent, coupon.redeemed) == (0, 0)
    assert CouponRedemption.objects.get(order=order).status == RedemptionStatus.RELEASED
    assert services.reconcile_statements() == []


def _refusal(investor, product, code, amount="10000", side="buy"):
    fields = {"amount": amount} if side == "buy" else {"units": "1"}
    with pytest.raises(ValidationError) as exc:
        services.order_place(user=investor, product=product, side=side, coupon=code, **fields)
    return _code_of(exc) if "coupon" in exc.value.error_dict else exc.value.message_dict


def test_each_unusable_coupon_has_its_own_reason(investor, clock, confirmed_order):
    product = ProductFactory()
    base = {"product": product}
    make_coupon(
        **base, code="OLD", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31)
    )
    Coupon.objects.filter(code="OLD").update(valid_until=dt.date(2026, 11, 1))
    make_coupon(**base, code="LATER", valid_from=dt.date(2026, 12, 1))
    make_coupon(**base, code="GONE", max_count=1)
    Coupon.objects.filter(code="GONE").update(redeemed=1, spent=D("1"))
    make_coupon(**base, code="BROKE", budget=D("10.00"))
    paused = make_coupon(**base, code="PAUSED")
    coupons.coupon_set_status(coupon=paused, actor=None, status=CouponStatus.PAUSED)
    ended = make_coupon(**base, code="ENDED")
    coupons.coupon_set_status(coupon=ended, actor=None, status=CouponStatus.ENDED)
    make_coupon(**base, code="BIG", kind=CouponKind.FEE_VOUCHER, min_purchase=D("50000"))
    make_coupon(product=ProductFactory(institution=product.institution), code="OTHERFUND")
    make_coupon(product=ProductFactory(), code="OTHERHOUSE")
    money_market = ProductFactory(institution=product.institution, fund_type="money_market")
    make_coupon(product=money_market, code="NOFEE")

    assert _refusal(investor, product, "NOPE") == "coupon_unknown"
    assert _refusal(investor, product, "OLD") == "coupon_expired"
    assert _refusal(investor, product, "LATER") == "coupon_not_yet_valid"
    assert _refusal(investor, product, "GONE") == "coupon_exhausted"
    assert _refusal(investor, product, "BROKE") == "coupon_exhausted"
    assert _refusal(investor, product, "PAUSED") == "coupon_paused"
    assert _refusal(investor, product, "ENDED") == "coupon_ended"
    assert _refusal(investor, product, "BIG") == "coupon_below_minimum"
    assert _refusal(investor, product, "OTHERFUND") == "coupon_wrong_product"
    assert _refusal(investor, product, "OTHERHOUSE") == "coupon_wrong_institution"
    assert _refusal(investor, money_market, "NOFEE") == "coupon_no_fee"
    assert _refusal(investor, confirmed_order.product, "BIG", side="sell") == "coupon_not_for_sells"
    # Nothing was half-placed: only the fixture's order exists.
    assert Order.objects.filter(user=investor).count() == 1
    assert not CouponRedemption.objects.exists()


def test_a_platform_coupon_with_an_insurance_or_savings_product_is_refused(investor, clock):
    """A coupon naming one is refused at creation; a platform coupon for any fund still never
    discounts insurance or savings at checkout."""
    insurance = ProductFactory(kind=ProductKind.INSURANCE)
    savings = ProductFactory(kind=ProductKind.SAVINGS)
    for product, code in (
        (insurance, "insurance_not_discountable"),
        (savings, "savings_not_discountable"),
    ):
        with pytest.raises(ValidationError) as exc:
            make_coupon(product=product)
        assert exc.value.error_dict["products"][0].code == code
    make_coupon(platform=True, code="ANYFUND")

    assert _refusal(investor, insurance, "ANYFUND", amount="1200") == "coupon_insurance"
    assert _refusal(investor, savings, "ANYFUND") == "coupon_savings"
    assert _buy(investor, ProductFactory(), coupon="anyfund").discount == D("73.34")


def test_codes_are_unique_whatever_the_case():
    product = ProductFactory()
    make_coupon(product=product, code="Spring")
    with pytest.raises(ValidationError) as exc:
        make_coupon(product=product, code="SPRING")
    assert exc.value.error_dict["code"][0].code == "code_taken"


def test_the_checkout_offers_the_best_coupon_the_investor_holds(investor, clock):
    from orders.coupons import selectors
    from orders.services.trading.placing import agreed_terms, kept_band

    product = ProductFactory()
    small = make_coupon(product=product, kind=CouponKind.FEE_VOUCHER)
    best = make_coupon(product=product)
    expired = make_coupon(product=product, code="PAST")
    Coupon.objects.filter(pk=expired.pk).update(valid_until=dt.date(2026, 11, 2))
    for c in (small, best, expired):
        coupons.coupon_grant(coupon=c, user=investor)
    band = kept_band(agreed_terms(product=product, amount=D("10000")))

    option = selectors.coupon_best_for(user=investor, product=product, amount=D("10000"), band=band)

    assert option.coupon == best
    assert option.quote.discount == D("73.34")
    wallet = selectors.wallet_for(user=investor)
    assert [i.usable for i in wallet] == [True, True, False]
    assert "expired" in wallet[-1].reason
