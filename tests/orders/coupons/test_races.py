"""50 concurrent checkouts never pass a coupon's budget, count or per-investor limit (real
threads on PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")
from threading import Barrier

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from orders import services
from orders.coupons.models import Coupon, CouponGrant, CouponRedemption
from tests.factories import ProductFactory, investor_with_cash

from .factories import make_coupon

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 50


def _race(calls):
    barrier = Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            return call()
        except ValidationError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _buy(user, product, code):
    return lambda: services.order_place(
        user=user, product=product, side="buy", amount="10000", coupon=code
    )[0]


def _codes(results):
    return sorted(r.error_dict["coupon"][0].code for r in results if isinstance(r, ValidationError))


def test_fifty_investors_racing_never_pass_the_count(clock):
    product = ProductFactory()
    coupon = make_coupon(product=product, code="RACE", max_count=7)
    users = [investor_with_cash(cash="20000") for _ in range(THREADS)]

    results = _race([_buy(u, product, "RACE") for u in users])

    coupon.refresh_from_db()
    assert CouponRedemption.objects.filter(coupon=coupon).count() == coupon.redeemed == 7
    assert _codes(results) == ["coupon_exhausted"] * (THREADS - 7)
    assert services.reconcile_statements() == []


def test_fifty_investors_racing_never_pass_the_budget(clock):
    product = ProductFactory()
    coupon = make_coupon(product=product, code="BUDGET", budget=D("500.00"))  # 6 × 73.34 fit
    users = [investor_with_cash(cash="20000") for _ in range(THREADS)]

    results = _race([_buy(u, product, "BUDGET") for u in users])

    coupon.refresh_from_db()
    assert coupon.spent == D("440.04") <= coupon.budget
    assert CouponRedemption.objects.filter(coupon=coupon).count() == 6
    assert _codes(results) == ["coupon_exhausted"] * (THREADS - 6)


def test_one_investor_racing_on_a_limit_of_one_gets_it_once(clock):
    product = ProductFactory()
    coupon = make_coupon(product=product, code="ONEEACH", per_user_limit=1)
    user = investor_with_cash(cash="600000")

    results = _race([_buy(user, product, "ONEEACH") for _ in range(THREADS)])

    assert CouponRedemption.objects.filter(coupon=coupon, user=user).count() == 1
    assert CouponGrant.objects.get(coupon=coupon, user=user).uses_left == 0
    assert _codes(results) == ["coupon_limit_reached"] * (THREADS - 1)
    assert Coupon.objects.get(pk=coupon.pk).redeemed == 1
