"""Reads on coupons: the investor's wallet (usable, and why not), the best coupon for a
checkout, the portal's and staff's lists, and redemption totals (for campaign results)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from products.fees import Tier

from .errors import LIMIT_REACHED, UNKNOWN
from .models import Coupon, CouponGrant, CouponRedemption, RedemptionStatus
from .pricing import Quote, quote_for
from .rules import lifetime_refusal, purchase_refusal

ZERO = Decimal(0)
COUNTED = [RedemptionStatus.HELD, RedemptionStatus.USED]


def coupon_id_for_reference(*, user, reference: str) -> int | None:
    """A code (any case; anyone may use it), or the id of a coupon in ``user``'s wallet."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 32:
        return None
    found = Coupon.objects.filter(code__iexact=reference).values_list("pk", flat=True).first()
    if found is None and reference.isdigit():
        found = (
            CouponGrant.objects.filter(user=user, coupon_id=int(reference))
            .values_list("coupon_id", flat=True)
            .first()
        )
    return found


class WalletItem(NamedTuple):
    coupon: Coupon
    grant: CouponGrant
    reason: str  # why it cannot be used now ("" when it can)

    @property
    def usable(self) -> bool:
        return not self.reason


def wallet_for(*, user, today: dt.date | None = None) -> list[WalletItem]:
    """Every coupon in the investor's wallet, usable ones first, each with why not if not."""
    today = today or timezone.localdate()
    grants = (
        CouponGrant.objects.filter(user=user)
        .select_related("coupon", "coupon__institution")
        .prefetch_related("coupon__products")
        .order_by("coupon__valid_until", "pk")
    )
    items = []
    for grant in grants:
        refusal = lifetime_refusal(grant.coupon, today=today)
        reason = refusal.messages[0] if refusal is not None else ""
        if not reason and grant.uses_left == 0:
            reason = str(LIMIT_REACHED[1])
        items.append(WalletItem(grant.coupon, grant, reason))
    return sorted(items, key=lambda item: not item.usable)


class CheckoutOption(NamedTuple):
    coupon: Coupon
    quote: Quote | None
    reason: str


def coupon_options_for(
    *, user, product, amount: Decimal | None, band: Tier | None, today: dt.date | None = None
) -> list[CheckoutOption]:
    """The wallet's coupons for this purchase, best first (largest discount); those that do
    not apply come last with their reason."""
    today = today or timezone.localdate()
    options = []
    for item in wallet_for(user=user, today=today):
        coupon = item.coupon
        quoted = quote_for(coupon, band=band, amount=amount) if amount else None
        refusal = (
            purchase_refusal(
                coupon,
                product=product,
                side="buy",
                amount=amount or ZERO,
                quoted=quoted,
                uses_left=item.grant.uses_left,
                today=today,
            )
            if amount
            else None
        )
        options.append(CheckoutOption(coupon, quoted, refusal.messages[0] if refusal else ""))
    return sorted(options, key=lambda o: (bool(o.reason), -(o.quote.discount if o.quote else ZERO)))


def coupon_best_for(*, user, product, amount: Decimal, band: Tier | None) -> CheckoutOption | None:
    """The applicable coupon in the wallet with the largest discount (None: none applies)."""
    for option in coupon_options_for(user=user, product=product, amount=amount, band=band):
        if not option.reason and option.quote is not None:
            return option
    return None


class CheckoutCoupon(NamedTuple):
    """The coupon a checkout review applies: its reference (what the form sends back), the
    quote, and the reason it cannot be used ("" when it can)."""

    reference: str
    coupon: Coupon | None
    quote: Quote | None
    reason: str

    @property
    def applies(self) -> bool:
        return self.coupon is not None and not self.reason and self.quote is not None


NO_COUPON = "none"


def coupon_for_checkout(
    *, user, product, amount: Decimal, band: Tier | None, reference: str | None
) -> tuple[CheckoutCoupon, list[CheckoutOption]]:
    """What the checkout review shows: the chosen coupon (``reference``: a code or a wallet
    id; ``"none"``: none; None: not chosen yet, so the best applicable one is preselected),
    and every coupon of the wallet as an option."""
    options = coupon_options_for(user=user, product=product, amount=amount, band=band)
    if reference is None:
        best = next((o for o in options if not o.reason and o.quote is not None), None)
        if best is None:
            return CheckoutCoupon(NO_COUPON, None, None, ""), options
        reference = best.coupon.code or str(best.coupon.pk)
    reference = reference.strip()
    if reference.lower() in ("", NO_COUPON):
        return CheckoutCoupon(NO_COUPON, None, None, ""), options
    coupon_id = coupon_id_for_reference(user=user, reference=reference)
    if coupon_id is None:
        return CheckoutCoupon(reference, None, None, str(UNKNOWN[1])), options
    coupon = Coupon.objects.select_related("institution").get(pk=coupon_id)
    grant = CouponGrant.objects.filter(coupon=coupon, user=user).first()
    quoted = quote_for(coupon, band=band, amount=amount)
    refusal = purchase_refusal(
        coupon,
        product=product,
        side="buy",
        amount=amount,
        quoted=quoted,
        uses_left=grant.uses_left if grant else None,
        today=timezone.localdate(),
    )
    return CheckoutCoupon(
        reference, coupon, quoted, refusal.messages[0] if refusal else ""
    ), options


def _with_usage(coupons: QuerySet[Coupon]) -> QuerySet[Coupon]:
    return (
        coupons.select_related("institution")
        .prefetch_related("products")
        .annotate(
            used_count=Count("redemptions", filter=Q(redemptions__status=RedemptionStatus.USED)),
            used_amount=Sum(
                "redemptions__discount", filter=Q(redemptions__status=RedemptionStatus.USED)
            ),
            grant_count=Count("grants", distinct=True),
        )
    )


def coupon_list_for_institution(*, institution) -> QuerySet[Coupon]:
    return (
        Coupon.objects.filter(institution=institution)
        .select_related("institution")
        .prefetch_related("products")
    )


def coupon_list_for_platform() -> QuerySet[Coupon]:
    return Coupon.objects.filter(institution__isnull=True).prefetch_related("products")


class RedemptionTotals(NamedTuple):
    held: int
    used: int
    released: int
    discount_used: Decimal
    discount_held: Decimal
    orders_amount: Decimal  # confirmed orders' amounts with the coupon


def coupon_redemption_totals(*, coupon_id: int) -> RedemptionTotals:
    rows = {
        r["status"]: r
        for r in CouponRedemption.objects.filter(coupon_id=coupon_id)
        .values("status")
        .annotate(n=Count("pk"), discount=Sum("discount"), amount=Sum("order__amount"))
        .order_by()
    }

    def get(status, key, default):
        return rows.get(status, {}).get(key) or default

    return RedemptionTotals(
        held=get(RedemptionStatus.HELD, "n", 0),
        used=get(RedemptionStatus.USED, "n", 0),
        released=get(RedemptionStatus.RELEASED, "n", 0),
        discount_used=get(RedemptionStatus.USED, "discount", ZERO),
        discount_held=get(RedemptionStatus.HELD, "discount", ZERO),
        orders_amount=get(RedemptionStatus.USED, "amount", ZERO),
    )


def coupon_redemptions_by_user(coupon_id: int) -> dict[int, tuple[int, Decimal]]:
    """Per investor: how many used redemptions of the coupon, and their discount (campaign
    results attribute these; held and released ones are not counted)."""
    return {
        r["user_id"]: (r["n"], r["discount"])
        for r in CouponRedemption.objects.filter(coupon_id=coupon_id, status=RedemptionStatus.USED)
        .values("user_id")
        .annotate(n=Count("pk"), discount=Sum("discount"))
        .order_by()
    }


def coupon_redemptions_for(*, coupon: Coupon) -> QuerySet[CouponRedemption]:
    return coupon.redemptions.select_related("product").order_by("-created_at", "-pk")


__all__ = [
    "COUNTED",
    "NO_COUPON",
    "CheckoutCoupon",
    "coupon_for_checkout",
    "CheckoutOption",
    "RedemptionTotals",
    "WalletItem",
    "_with_usage",
    "coupon_best_for",
    "coupon_id_for_reference",
    "coupon_list_for_institution",
    "coupon_list_for_platform",
    "coupon_options_for",
    "coupon_redemption_totals",
    "coupon_redemptions_by_user",
    "coupon_redemptions_for",
    "wallet_for",
]
