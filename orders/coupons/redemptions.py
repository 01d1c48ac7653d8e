"""Redemptions: a coupon applied at checkout (held), used on confirmation, released on
cancel or reject. Lock order: the coupon row, then the investor's grant, then (the caller) the
cash account."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from products.fees import Tier

from . import errors, selectors
from .models import Coupon, CouponGrant, CouponRedemption, GrantSource, RedemptionStatus
from .pricing import quote_for
from .rules import _error, _why, purchase_refusal


def coupon_reference_resolve(*, user, reference: str, side: str) -> int:
    """The coupon a checkout names: a code (any case), or the id of one in the investor's
    wallet. Raises the ``coupon`` field's error when it names none (or the order is a sell)."""
    if side != "buy":
        raise ValidationError({"coupon": _why(errors.NOT_FOR_SELLS)})
    coupon_id = selectors.coupon_id_for_reference(user=user, reference=reference)
    if coupon_id is None:
        raise _error("coupon", errors.UNKNOWN)
    return coupon_id


def coupon_redeem(*, order, coupon_id: int, band: Tier | None, now=None) -> CouponRedemption:
    """Apply the coupon to a just-created buy ``order`` (call inside the placing transaction,
    before the cash is debited): lock the coupon, then the investor's grant; judge; count it
    against budget, count and the investor's uses; fix the discount on the order."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    coupon = Coupon.objects.select_for_update().get(pk=coupon_id)
    if coupon.code:  # a code coupon's first use puts it in the wallet
        CouponGrant.objects.bulk_create(
            [
                CouponGrant(
                    coupon=coupon,
                    user=order.user,
                    uses_left=coupon.per_user_limit,
                    source=GrantSource.CHECKOUT,
                )
            ],
            ignore_conflicts=True,
        )
    grant = CouponGrant.objects.select_for_update().filter(coupon=coupon, user=order.user).first()
    if grant is None:
        raise _error("coupon", errors.UNKNOWN)
    quoted = quote_for(coupon, band=band, amount=order.amount)
    refusal = purchase_refusal(
        coupon,
        product=order.product,
        side=order.side,
        amount=order.amount,
        quoted=quoted,
        uses_left=grant.uses_left,
        today=today,
    )
    if refusal is not None:
        raise ValidationError({"coupon": refusal})
    Coupon.objects.filter(pk=coupon.pk).update(
        spent=F("spent") + quoted.discount, redeemed=F("redeemed") + 1
    )
    CouponGrant.objects.filter(pk=grant.pk).update(uses_left=F("uses_left") - 1)
    redemption = CouponRedemption.objects.create(
        order=order,
        coupon=coupon,
        user=order.user,
        institution_id=order.institution_id,
        product=order.product,
        payer=coupon.payer,
        list_fee=quoted.list_fee,
        discount=quoted.discount,
        fee=quoted.fee,
        created_at=now,
    )
    order.list_fee, order.discount, order.fee = quoted.list_fee, quoted.discount, quoted.fee
    order.fee_rate = quoted.fee_rate
    order.save(update_fields=["list_fee", "discount", "fee", "fee_rate"])
    return redemption


def coupon_redemptions_use(*, order_ids, now=None) -> int:
    """Orders confirmed: their held redemptions are used (call inside the confirming
    transaction)."""
    if not order_ids:
        return 0
    return CouponRedemption.objects.filter(
        order_id__in=list(order_ids), status=RedemptionStatus.HELD
    ).update(status=RedemptionStatus.USED, settled_at=now or timezone.now())


def coupon_redemptions_release(*, order_ids, now=None) -> int:
    """Orders cancelled or rejected: their held redemptions are released and give their
    discount, count and the investor's use back (set-based; coupons locked in id order; call
    inside the cancelling transaction, before any cash entry)."""
    if not order_ids:
        return 0
    held = list(
        CouponRedemption.objects.select_for_update()
        .filter(order_id__in=list(order_ids), status=RedemptionStatus.HELD)
        .order_by("pk")
        .values_list("pk", "coupon_id", "user_id", "discount")
    )
    if not held:
        return 0
    by_coupon: dict[int, list] = defaultdict(lambda: [Decimal(0), 0])
    uses: Counter = Counter()
    for _pk, coupon_id, user_id, discount in held:
        by_coupon[coupon_id][0] += discount
        by_coupon[coupon_id][1] += 1
        uses[coupon_id, user_id] += 1
    list(
        Coupon.objects.select_for_update()
        .filter(pk__in=by_coupon)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for coupon_id, (discount, count) in sorted(by_coupon.items()):
        Coupon.objects.filter(pk=coupon_id).update(
            spent=F("spent") - discount, redeemed=F("redeemed") - count
        )
    for (coupon_id, user_id), n in sorted(uses.items()):
        CouponGrant.objects.filter(coupon_id=coupon_id, user_id=user_id).update(
            uses_left=F("uses_left") + n
        )
    return CouponRedemption.objects.filter(pk__in=[row[0] for row in held]).update(
        status=RedemptionStatus.RELEASED, settled_at=now or timezone.now()
    )
