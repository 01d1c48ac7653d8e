"""Every write on coupons: create, edit while unused, pause / end, grant, claim, and the
redemption at checkout (held), its use on confirmation and its release on cancel or reject.

Concurrency: a redemption locks the coupon's row (``select_for_update``) and the investor's
grant row, in that order, before the order's cash is debited; the database's checks
(``spent <= budget``, ``redeemed <= max_count``, ``uses_left >= 0``) back the counts up.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from products.models import Product, ProductKind

from . import errors
from .models import (
    COUPON_TRANSITIONS,
    Coupon,
    CouponEvent,
    CouponGrant,
    CouponKind,
    CouponPayer,
    GrantSource,
)
from .redemptions import (
    coupon_redeem,
    coupon_redemptions_release,
    coupon_redemptions_use,
    coupon_reference_resolve,
)
from .rules import _error, lifetime_refusal, purchase_refusal

CODE = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
MAX_EMAILS = 500
HUNDRED = Decimal(100)
KIND_FIELDS = {
    CouponKind.FEE_DISCOUNT: ("percent_off",),
    CouponKind.FEE_VOUCHER: ("amount_off",),
    CouponKind.FEE_RATE_CARD: ("rate_share",),
}
EDITABLE = (
    "name",
    "code",
    "percent_off",
    "amount_off",
    "min_purchase",
    "rate_share",
    "per_user_limit",
    "valid_from",
    "valid_until",
    "budget",
    "max_count",
)


def _event(coupon: Coupon, actor, action: str, detail: str = "") -> None:
    CouponEvent.objects.create(coupon=coupon, actor=actor, action=action, detail=detail[:300])


# --- creating and editing -------------------------------------------------------------------


def _products_for(*, institution, slugs) -> list[Product]:
    """The eligible funds named by ``slugs``: the issuer's own (any institution's for the
    platform); insurance and savings are refused with their reasons."""
    slugs = list(dict.fromkeys(slugs or []))
    found = {p.slug: p for p in Product.objects.filter(slug__in=slugs)}
    problems = []
    for slug in slugs:
        product = found.get(slug)
        if product is None or (
            institution is not None and product.institution_id != institution.pk
        ):
            which = errors.UNKNOWN_PRODUCT if product is None else errors.NOT_OWN_PRODUCT
            problems.append(ValidationError(str(which[1]) % {"slug": slug}, code=which[0]))
        elif product.kind == ProductKind.INSURANCE:
            problems.append(
                ValidationError(
                    str(errors.PRODUCT_INSURANCE[1]) % {"slug": slug},
                    code=errors.PRODUCT_INSURANCE[0],
                )
            )
        elif product.kind == ProductKind.SAVINGS:
            problems.append(
                ValidationError(
                    str(errors.PRODUCT_SAVINGS[1]) % {"slug": slug}, code=errors.PRODUCT_SAVINGS[0]
                )
            )
    if problems:
        raise ValidationError({"products": problems})
    if institution is not None and not slugs:
        raise _error("products", errors.PRODUCTS_REQUIRED)
    return [found[s] for s in slugs]


def _apply(coupon: Coupon, values: dict, *, today: dt.date) -> None:
    """Set ``values`` (the editable fields) on ``coupon`` and judge the whole: kind-specific
    fields, ranges, window, then ``full_clean``. Fields of other kinds are cleared."""
    for name in EDITABLE:
        if name in values:
            setattr(coupon, name, values[name])
    coupon.code = (coupon.code or "").strip()
    coupon.name = (coupon.name or "").strip() or coupon.code or str(CouponKind(coupon.kind).label)
    for kind, fields in KIND_FIELDS.items():
        if kind != coupon.kind:
            for name in fields:
                setattr(coupon, name, None)
    for name in KIND_FIELDS[coupon.kind]:
        if getattr(coupon, name) is None:
            raise _error(name, errors.KIND_FIELD_REQUIRED)
    if coupon.kind == CouponKind.FEE_DISCOUNT and not 0 < coupon.percent_off <= HUNDRED:
        raise _error("percent_off", errors.PERCENT_RANGE)
    if coupon.kind == CouponKind.FEE_RATE_CARD and not 0 <= coupon.rate_share < HUNDRED:
        raise _error("rate_share", errors.SHARE_RANGE)
    if coupon.code and not CODE.match(coupon.code):
        raise _error("code", errors.CODE_SHAPE)
    coupon.valid_from = coupon.valid_from or today
    if coupon.valid_until < coupon.valid_from:
        raise _error("valid_until", errors.WINDOW)
    if coupon.valid_until < today:
        raise _error("valid_until", errors.UNTIL_PAST)
    coupon.full_clean(
        exclude=["products", "created_by"], validate_unique=False, validate_constraints=False
    )


def _save(coupon: Coupon) -> None:
    try:
        with transaction.atomic():
            coupon.save()
    except IntegrityError as exc:
        if (
            coupon.code
            and Coupon.objects.filter(code__iexact=coupon.code).exclude(pk=coupon.pk).exists()
        ):
            raise _error("code", errors.CODE_TAKEN) from exc
        raise


@transaction.atomic
def coupon_create(*, institution, actor, kind: str, products=(), **values) -> Coupon:
    """A coupon issued by ``institution`` and paid by it, or (``institution=None``, staff) by
    the platform, valid for any institution's funds (all of them when ``products`` is empty).
    ``values``: the fields of ``EDITABLE``; ``products``: slugs."""
    if kind not in CouponKind.values:
        raise ValidationError({"kind": ValidationError("Unknown kind.", code="invalid_choice")})
    coupon = Coupon(
        institution=institution,
        payer=CouponPayer.PLATFORM if institution is None else CouponPayer.INSTITUTION,
        kind=kind,
        created_by=actor,
        valid_from=values.pop("valid_from", None) or timezone.localdate(),
    )
    _apply(coupon, values, today=timezone.localdate())
    chosen = _products_for(institution=institution, slugs=products)
    _save(coupon)
    coupon.products.set(chosen)
    _event(coupon, actor, "created")
    return coupon


@transaction.atomic
def coupon_update(*, coupon: Coupon, actor, products=None, **values) -> Coupon:
    """Edit a coupon that nobody has redeemed yet (a redeemed one keeps its history: pause or
    end it instead). Grants not yet used take the new per-investor limit."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
    if coupon.redemptions.exists():
        raise _error("__all__", errors.IN_USE)
    _apply(coupon, values, today=timezone.localdate())
    coupon.updated_at = timezone.now()
    chosen = (
        None if products is None else _products_for(institution=coupon.institution, slugs=products)
    )
    _save(coupon)
    if chosen is not None:
        coupon.products.set(chosen)
    coupon.grants.update(uses_left=coupon.per_user_limit)
    _event(coupon, actor, "edited")
    return coupon


@transaction.atomic
def coupon_set_status(*, coupon: Coupon, actor, status: str) -> Coupon:
    coupon = Coupon.objects.select_for_update().get(pk=coupon.pk)
    if status not in COUPON_TRANSITIONS.get(coupon.status, ()):
        raise _error("status", errors.ILLEGAL_MOVE, from_status=coupon.status, to_status=status)
    coupon.status = status
    coupon.updated_at = timezone.now()
    coupon.save(update_fields=["status", "updated_at"])
    _event(coupon, actor, status)
    return coupon


# --- grants and claims ------------------------------------------------------------------------


@transaction.atomic
def coupon_grant_many(
    *, coupon: Coupon, user_ids, actor=None, source: str = GrantSource.GRANTED
) -> int:
    """Put ``coupon`` into each investor's wallet (set-based; one already there keeps its
    grant: INSERT … ON CONFLICT DO NOTHING). Returns how many were new."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    before = CouponGrant.objects.filter(coupon=coupon, user_id__in=ids).count()
    CouponGrant.objects.bulk_create(
        [
            CouponGrant(coupon=coupon, user_id=uid, uses_left=coupon.per_user_limit, source=source)
            for uid in ids
        ],
        ignore_conflicts=True,
        batch_size=5000,
    )
    added = CouponGrant.objects.filter(coupon=coupon, user_id__in=ids).count() - before
    if actor is not None or source == GrantSource.GRANTED:
        _event(coupon, actor, "granted", f"{added} investor(s)")
    return added


def coupon_grant(*, coupon: Coupon, user, actor=None) -> CouponGrant:
    coupon_grant_many(coupon=coupon, user_ids=[user.pk], actor=actor)
    return CouponGrant.objects.get(coupon=coupon, user=user)


def _emails(text_or_list) -> list[str]:
    items = (
        text_or_list
        if isinstance(text_or_list, list | tuple)
        else re.split(r"[\s,;]+", text_or_list or "")
    )
    return list(dict.fromkeys(e.strip().lower() for e in items if e and e.strip()))


@transaction.atomic
def coupon_grant_by_emails(*, coupon: Coupon, emails, actor) -> int:
    """Grant to chosen investors by e-mail. An institution's coupon goes only to its own
    customers (investors with a confirmed order of it); the platform's to any investor. One
    address that is not allowed refuses the whole list (nothing half-granted)."""
    wanted = _emails(emails)
    if len(wanted) > MAX_EMAILS:
        raise _error("emails", errors.TOO_MANY_EMAILS, n=MAX_EMAILS)
    users = get_user_model().objects.filter(email__in=wanted, is_active=True)
    if coupon.institution_id is not None:
        users = users.filter(
            orders__institution_id=coupon.institution_id,
            orders__status__in=["confirmed", "settled"],
        )
    found = dict(users.values_list("email", "pk").distinct())
    missing = [e for e in wanted if e not in {k.lower() for k in found}]
    if missing or not wanted:
        raise _error("emails", errors.NOT_CUSTOMERS, emails=", ".join(missing) or "—")
    return coupon_grant_many(coupon=coupon, user_ids=found.values(), actor=actor)


def coupon_by_code(code: str) -> Coupon | None:
    code = (code or "").strip()
    if not code or len(code) > 32:
        return None
    return Coupon.objects.filter(code__iexact=code).select_related("institution").first()


@transaction.atomic
def coupon_claim(*, user, code: str) -> CouponGrant:
    """Claim a code coupon into the investor's wallet (refused when unknown, not usable any
    more, or already there)."""
    coupon = coupon_by_code(code)
    if coupon is None:
        raise _error("code", errors.UNKNOWN)
    refusal = lifetime_refusal(coupon, today=timezone.localdate())
    if refusal is not None:
        raise ValidationError({"code": refusal})
    added = coupon_grant_many(coupon=coupon, user_ids=[user.pk], source=GrantSource.CLAIMED)
    if not added:
        raise _error("code", errors.ALREADY_CLAIMED)
    return CouponGrant.objects.select_related("coupon").get(coupon=coupon, user=user)


__all__ = [
    "coupon_by_code",
    "coupon_claim",
    "coupon_create",
    "coupon_grant",
    "coupon_grant_by_emails",
    "coupon_grant_many",
    "coupon_redeem",
    "coupon_reference_resolve",
    "coupon_redemptions_release",
    "coupon_redemptions_use",
    "coupon_set_status",
    "coupon_update",
    "lifetime_refusal",
    "purchase_refusal",
]
