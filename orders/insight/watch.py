"""The watchlist and its alerts: services (every write) and selectors (every read).

An investor follows products on sale (``watch_add`` / ``watch_remove``, both idempotent) and
sets alerts on them (``alert_create``, which adds the product to the watchlist too). After each
NAV upload and each published article, ``watch_checks`` judges the product's alerts and sends
each one that fires a single inbox notice (see ``orders.insight.models``).

Alert notices go to the inbox only (no e-mail): the investor chose each alert themselves, and
the e-mail preferences of ``orders.campaigns.notices.preferences`` cover after-sales notices."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from marketplace.money import decimal_places
from products.models import Product, ProductKind
from products.selectors import catalogue_queryset

from .models import Alert, AlertKind, WatchItem

MAX_WATCHED = 100
MAX_ALERTS = 20
NAV_MAX = Decimal("100000000")
MOVE_MAX = Decimal("100")

# Error messages (tests import these; the codes are what API clients branch on).
PRODUCT_UNKNOWN = _("Choose a product on sale in the catalogue.")
NOT_WATCHED = _("This product is not on your watchlist.")
WATCH_LIMIT = _("Your watchlist holds at most %(limit)d products. Remove one first.")
ALERT_LIMIT = _("You can set at most %(limit)d alerts. Remove one first.")
KIND_INVALID = _("Choose one of the kinds of alert.")
THRESHOLD_REQUIRED = _("Enter the value that sets this alert off.")
THRESHOLD_NOT_ALLOWED = _("An announcement alert takes no value: leave it empty.")
NAV_NOT_POSITIVE = _("The NAV must be above zero.")
NAV_TOO_PRECISE = _("A NAV has at most 4 decimal places.")
NAV_TOO_LARGE = _("Enter a NAV below 100,000,000.")
MOVE_OUT_OF_RANGE = _("Enter a percentage above 0 and at most 100.")
MOVE_TOO_PRECISE = _("Use at most 2 decimal places.")
NEEDS_NAV = _("This product has no daily NAV to follow: choose an announcement alert instead.")


def _product_ref(ref: str) -> dict:
    """A product named by its slug or, failing that, by its id."""
    return {"pk": int(ref)} if ref.isascii() and ref.isdigit() else {"slug": ref}


# --- selectors -----------------------------------------------------------------------------------


def watchable_product(*, slug: str) -> Product | None:
    """A product the investor may start watching: one on sale in the catalogue."""
    return catalogue_queryset().filter(slug=slug).first()


def follows_nav(*, product: Product) -> bool:
    """Whether NAV alerts make sense for ``product``: a fund whose NAV moves daily (not a
    money-market fund, whose NAV is fixed at 1.0000)."""
    return product.kind == ProductKind.FUND and not product.is_money_market


# The ids an investor watches, cached per investor (every signed-in catalogue and product page
# asks them). A change marks the entry as changed for CHANGED_TIMEOUT, when it is made and again
# after it commits, and a request only stores ids where there is no entry (``cache.add``): ids
# read before the change can then never be stored after it, whichever request finishes first.
_IDS_KEY = "watch:ids:{}"
_CHANGED = "changed"
IDS_TIMEOUT = 600
CHANGED_TIMEOUT = 30


def watched_product_ids(*, user) -> set[int]:
    """The ids of the products ``user`` watches (from the cache, or one query, for a whole page
    of cards)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    key = _IDS_KEY.format(user.pk)
    cached = cache.get(key)
    if isinstance(cached, frozenset):
        return set(cached)
    ids = set(WatchItem.objects.filter(user=user).values_list("product_id", flat=True))
    if cached is None:
        cache.add(key, frozenset(ids), IDS_TIMEOUT)
    return ids


def _watched_changed(user) -> None:
    """Call inside the write's transaction: the cached ids are marked changed now (so the
    investor's next page, in this transaction or not, reads them) and again once it commits
    (robust: with the cache unreachable then the write stands; the entry expires in
    IDS_TIMEOUT)."""
    key = _IDS_KEY.format(user.pk)
    cache.set(key, _CHANGED, CHANGED_TIMEOUT)
    transaction.on_commit(lambda: cache.set(key, _CHANGED, CHANGED_TIMEOUT), robust=True)


def watchlist_of(*, user) -> QuerySet[WatchItem]:
    """The investor's watchlist with each product, its institution and its alerts (a constant
    number of queries whatever its length)."""
    return (
        WatchItem.objects.filter(user=user)
        .select_related("product__institution")
        .prefetch_related(Prefetch("alerts", queryset=Alert.objects.order_by("created_at", "pk")))
        .order_by("-created_at", "-pk")
    )


def alerts_of(*, user) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(item__user=user)
        .select_related("item__product")
        .order_by("created_at", "pk")
    )


def alert_of(*, user, pk: int) -> Alert:
    """One of ``user``'s alerts (another investor's is ``Alert.DoesNotExist``, a 404)."""
    return alerts_of(user=user).get(pk=pk)


# --- services ------------------------------------------------------------------------------------


def _lock_investor(user) -> None:
    """Serialise one investor's watchlist writes (the limits count under this lock)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def watch_add(*, user, product: Product) -> tuple[WatchItem, bool]:
    """Follow ``product`` (on sale); adding one already watched returns it unchanged."""
    if not catalogue_queryset().filter(pk=product.pk).exists():
        raise ValidationError({"product": ValidationError(PRODUCT_UNKNOWN, code="product_unknown")})
    _lock_investor(user)
    item = WatchItem.objects.filter(user=user, product=product).first()
    if item is not None:
        return item, False
    if WatchItem.objects.filter(user=user).count() >= MAX_WATCHED:
        raise ValidationError(
            {
                "product": ValidationError(
                    WATCH_LIMIT, code="watch_limit", params={"limit": MAX_WATCHED}
                )
            }
        )
    _watched_changed(user)
    return WatchItem.objects.create(user=user, product=product), True


@transaction.atomic
def watch_remove(*, user, ref: str) -> bool:
    """Stop following a product (by slug or id) and drop its alerts. True if it was watched;
    removing one that is not is harmless (False)."""
    deleted, _rows = WatchItem.objects.filter(
        user=user, **{f"product__{k}": v for k, v in _product_ref(ref).items()}
    ).delete()
    if deleted:
        _watched_changed(user)
    return bool(deleted)


def _threshold_error(message, code: str) -> ValidationError:
    return ValidationError({"threshold": ValidationError(message, code=code)})


def alert_threshold_clean(*, product: Product, kind: str, threshold: Decimal | None):
    """The threshold the kind needs, or a field error saying why not (the rules the API's
    schema states too)."""
    if kind not in AlertKind.values:
        raise ValidationError({"kind": ValidationError(KIND_INVALID, code="invalid_kind")})
    if kind == AlertKind.ANNOUNCEMENT:
        if threshold is not None:
            raise _threshold_error(THRESHOLD_NOT_ALLOWED, "threshold_not_allowed")
        return None
    if not follows_nav(product=product):
        raise ValidationError({"kind": ValidationError(NEEDS_NAV, code="alert_needs_nav")})
    if threshold is None:
        raise _threshold_error(THRESHOLD_REQUIRED, "threshold_required")
    threshold = Decimal(threshold)
    if not threshold.is_finite():
        raise _threshold_error(THRESHOLD_REQUIRED, "invalid")
    if kind == AlertKind.DAILY_MOVE:
        if threshold <= 0 or threshold > MOVE_MAX:
            raise _threshold_error(MOVE_OUT_OF_RANGE, "move_out_of_range")
        if decimal_places(threshold) > 2:
            raise _threshold_error(MOVE_TOO_PRECISE, "too_precise")
        return threshold
    if threshold <= 0:
        raise _threshold_error(NAV_NOT_POSITIVE, "not_positive")
    if decimal_places(threshold) > 4:
        raise _threshold_error(NAV_TOO_PRECISE, "too_precise")
    if threshold >= NAV_MAX:
        raise _threshold_error(NAV_TOO_LARGE, "too_large")
    return threshold


@transaction.atomic
def alert_create(
    *, user, product: Product, kind: str, threshold: Decimal | None = None
) -> tuple[Alert, bool]:
    """Set an alert on ``product`` (which joins the watchlist if it was not on it). The same
    alert set twice is the same alert (False: nothing new). At most :data:`MAX_ALERTS`."""
    threshold = alert_threshold_clean(product=product, kind=kind, threshold=threshold)
    item, _created = watch_add(user=user, product=product)
    existing = Alert.objects.filter(item=item, kind=kind, threshold=threshold).first()
    if existing is not None:
        return existing, False
    if Alert.objects.filter(item__user=user).count() >= MAX_ALERTS:
        raise ValidationError(
            {
                "non_field_errors": ValidationError(
                    ALERT_LIMIT, code="alert_limit", params={"limit": MAX_ALERTS}
                )
            }
        )
    alert = Alert(item=item, kind=kind, threshold=threshold)
    alert.full_clean(exclude=["item"])
    alert.save()
    return alert, True


@transaction.atomic
def alert_delete(*, user, pk: int) -> None:
    """Remove one of ``user``'s alerts (another investor's: ``Alert.DoesNotExist``)."""
    alert_of(user=user, pk=pk).delete()
