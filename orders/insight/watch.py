"""The watchlist and its alerts: services (every write) and selectors (every read).

An investor follows products on sale (``watch_add`` / ``watch_remove``, both idempotent) and
sets alerts on them (``alert_create``, which adds the product to the watchlist too). After each
NAV upload and each published article, ``products`` sends a signal; the receiver here hands the
check to Celery (``orders.insight.watch_tasks.check_alerts``), which judges the product's alerts
and sends each one that fires a single inbox notice (see ``orders.insight.models``).

Alert notices go to the inbox only (no e-mail): the investor chose each alert themselves, and
the e-mail preferences of ``orders.campaigns.notices.preferences`` cover after-sales notices."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from marketplace.money import decimal_places
from marketplace.tasks import enqueue
from products.models import Article, ArticleStatus, Product, ProductKind, ProductStatus
from products.selectors import catalogue_queryset
from products.signals import article_published, nav_published

from ..campaigns import inbox
from ..campaigns.models import Topic
from ..campaigns.notices import texts
from .models import NAV_KINDS, Alert, AlertFiring, AlertKind, WatchItem

CHECK_TASK = "orders.insight.watch_tasks.check_alerts"
MAX_WATCHED = 100
MAX_ALERTS = 20
CHECK_BATCH = 1000
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

# What the notices say.
NAV_ABOVE_TITLE = _("%(product)s: NAV at or above %(threshold)s")
NAV_ABOVE_BODY = _(
    "The NAV of %(product)s on %(date)s is %(nav)s, at or above the %(threshold)s of your "
    "alert. You will hear about it again only after the NAV has gone back below %(threshold)s."
)
NAV_BELOW_TITLE = _("%(product)s: NAV at or below %(threshold)s")
NAV_BELOW_BODY = _(
    "The NAV of %(product)s on %(date)s is %(nav)s, at or below the %(threshold)s of your "
    "alert. You will hear about it again only after the NAV has gone back above %(threshold)s."
)
DAILY_MOVE_TITLE = _("%(product)s moved %(move)s in a day")
DAILY_MOVE_BODY = _(
    "The NAV of %(product)s on %(date)s is %(nav)s, %(move)s against the NAV before it: a move "
    "of at least the %(threshold)s%% of your alert. Past movements do not predict future ones."
)
ANNOUNCEMENT_TITLE = _("%(institution)s published: %(title)s")
ANNOUNCEMENT_BODY = _(
    '%(institution)s, whose %(product)s is on your watchlist, published "%(title)s" on %(date)s.'
)


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


def watched_product_ids(*, user) -> set[int]:
    """The ids of the products ``user`` watches (one query, for a whole page of cards)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(WatchItem.objects.filter(user=user).values_list("product_id", flat=True))


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
    return WatchItem.objects.create(user=user, product=product), True


@transaction.atomic
def watch_remove(*, user, ref: str) -> bool:
    """Stop following a product (by slug or id) and drop its alerts. True if it was watched;
    removing one that is not is harmless (False)."""
    deleted, _rows = WatchItem.objects.filter(
        user=user, **{f"product__{k}": v for k, v in _product_ref(ref).items()}
    ).delete()
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


# --- checking alerts -----------------------------------------------------------------------------


class _Fired(NamedTuple):
    alert: Alert
    trigger: str
    value: Decimal | None


def _percent(fraction: Decimal) -> str:
    sign = "+" if fraction > 0 else ""
    return sign + number_format(fraction * 100, 2, use_l10n=True) + "%"


def _move_percent(day_change: Decimal | None) -> Decimal | None:
    if day_change is None:
        return None
    return (abs(day_change) * 100).quantize(Decimal("0.0001"))


def _condition(alert: Alert, product: Product) -> tuple[bool, Decimal | None]:
    """Whether the alert's condition holds on the product's latest NAV, and the value judged."""
    if alert.kind == AlertKind.DAILY_MOVE:
        move = _move_percent(product.day_change)
        return move is not None and move >= alert.threshold, move
    nav = product.latest_nav
    if nav is None:
        return False, None
    if alert.kind == AlertKind.NAV_ABOVE:
        return nav >= alert.threshold, nav
    return nav <= alert.threshold, nav


def _nav_notice(fired: _Fired, product: Product) -> inbox.MessageRow:
    alert = fired.alert
    values = {
        "product": product.name,
        "date": texts.day(product.latest_nav_date),
        "nav": texts.nav(product.latest_nav),
        "threshold": (
            number_format(alert.threshold, 2, use_l10n=True)
            if alert.kind == AlertKind.DAILY_MOVE
            else texts.nav(alert.threshold)
        ),
        "move": _percent(product.day_change or Decimal(0)),
    }
    title, body = {
        AlertKind.NAV_ABOVE: (NAV_ABOVE_TITLE, NAV_ABOVE_BODY),
        AlertKind.NAV_BELOW: (NAV_BELOW_TITLE, NAV_BELOW_BODY),
        AlertKind.DAILY_MOVE: (DAILY_MOVE_TITLE, DAILY_MOVE_BODY),
    }[alert.kind]
    return inbox.message_row(
        user_id=alert.item.user_id,
        topic=Topic.WATCH_ALERT,
        subject_key=f"alert:{alert.pk}:{fired.trigger}",
        title=str(title) % values,
        body=str(body) % values,
        link=texts.product_link(product.slug),
        email=False,
    )


def _record_firings(fired: list[_Fired]) -> list[_Fired]:
    """Those of ``fired`` not recorded before (the rows are locked: nobody else records them
    meanwhile; the unique constraint is the backstop), recorded now."""
    if not fired:
        return []
    seen = set(
        AlertFiring.objects.filter(
            alert_id__in=[f.alert.pk for f in fired], trigger__in={f.trigger for f in fired}
        ).values_list("alert_id", "trigger")
    )
    new = [f for f in fired if (f.alert.pk, f.trigger) not in seen]
    AlertFiring.objects.bulk_create(
        [AlertFiring(alert=f.alert, trigger=f.trigger, value=f.value) for f in new]
    )
    return new


def alerts_check_nav(*, product_id: int, batch_size: int = CHECK_BATCH) -> int:
    """Judge the NAV alerts of a product on its latest NAV; returns how many fired now.

    Each batch locks its alerts (in id order) for its transaction, so two checks of the same
    upload running at once take turns and the second finds them already fired."""
    product = (
        Product.objects.filter(pk=product_id)
        .only("pk", "name", "slug", "latest_nav", "latest_nav_date", "day_change")
        .first()
    )
    if product is None or product.latest_nav_date is None:
        return 0
    nav_date = product.latest_nav_date
    sent, last = 0, 0
    while True:
        with transaction.atomic():
            alerts = list(
                Alert.objects.select_for_update(of=("self",))
                .select_related("item")
                .filter(item__product_id=product_id, kind__in=NAV_KINDS, pk__gt=last)
                .order_by("pk")[:batch_size]
            )
            if not alerts:
                return sent
            last = alerts[-1].pk
            now = timezone.now()
            fired = []
            for alert in alerts:
                if alert.kind == AlertKind.DAILY_MOVE and alert.last_checked_on != nav_date:
                    alert.armed = True  # each NAV date's move is a trigger of its own
                holds, value = _condition(alert, product)
                if holds and alert.armed:
                    fired.append(_Fired(alert, f"nav:{nav_date.isoformat()}", value))
                    alert.armed = False
                    alert.last_fired_at = now
                    alert.fired_count += 1
                elif not holds:
                    alert.armed = True
                alert.last_value, alert.last_checked_on = value, nav_date
            Alert.objects.bulk_update(
                alerts, ["armed", "last_fired_at", "fired_count", "last_value", "last_checked_on"]
            )
            new = _record_firings(fired)
            for group in inbox.in_recipients_language(new, lambda f: f.alert.item.user_id):
                inbox.messages_post(rows=[_nav_notice(f, product) for f in group])
            sent += len(new)


def alerts_check_article(*, article_id: int, batch_size: int = CHECK_BATCH) -> int:
    """Tell the investors with an announcement alert on the article's product (or, for an
    article about the institution, on any of its products) that it was published: once per
    investor and article, however many of their alerts it meets. Returns the alerts fired."""
    article = (
        Article.objects.select_related("institution", "product")
        .filter(pk=article_id, status=ArticleStatus.PUBLISHED)
        .first()
    )
    if article is None:
        return 0
    scope = {"item__product__institution_id": article.institution_id}
    if article.product_id is not None:
        scope = {"item__product_id": article.product_id}
    trigger = f"article:{article.pk}"
    sent, last = 0, 0
    while True:
        with transaction.atomic():
            alerts = list(
                Alert.objects.select_for_update(of=("self",))
                .select_related("item__product")
                .filter(
                    kind=AlertKind.ANNOUNCEMENT,
                    item__product__status=ProductStatus.PUBLISHED,
                    pk__gt=last,
                    **scope,
                )
                .order_by("pk")[:batch_size]
            )
            if not alerts:
                return sent
            last = alerts[-1].pk
            now = timezone.now()
            new = _record_firings([_Fired(a, trigger, None) for a in alerts])
            for f in new:
                f.alert.last_fired_at, f.alert.fired_count = now, f.alert.fired_count + 1
            Alert.objects.bulk_update([f.alert for f in new], ["last_fired_at", "fired_count"])
            link = (
                texts.product_link(article.product.slug)
                if article.product_id
                else reverse("products:institution", args=[article.institution.slug])
            )
            for group in inbox.in_recipients_language(new, lambda f: f.alert.item.user_id):
                rows = []
                for f in group:
                    values = {
                        "institution": article.institution.name,
                        "title": article.title,
                        "product": f.alert.item.product.name,
                        "date": texts.day(timezone.localdate(article.published_at)),
                    }
                    rows.append(
                        inbox.message_row(
                            user_id=f.alert.item.user_id,
                            topic=Topic.WATCH_ALERT,
                            subject_key=f"watch:{trigger}",
                            title=str(ANNOUNCEMENT_TITLE) % values,
                            body=str(ANNOUNCEMENT_BODY) % values,
                            link=link,
                            email=False,
                        )
                    )
                inbox.messages_post(rows=rows)
            sent += len(new)


def check_alerts(*, product_id: int | None = None, article_id: int | None = None) -> int:
    """What the Celery task runs: a product's NAV alerts, or an article's announcement alerts."""
    fired = 0
    if product_id is not None:
        fired += alerts_check_nav(product_id=product_id)
    if article_id is not None:
        fired += alerts_check_article(article_id=article_id)
    return fired


# --- hand-over from products ---------------------------------------------------------------------


def _on_nav_published(sender, *, product_id: int, **kwargs) -> None:
    enqueue(CHECK_TASK, product_id=product_id)


def _on_article_published(sender, *, article_id: int, **kwargs) -> None:
    enqueue(CHECK_TASK, article_id=article_id)


def connect() -> None:
    """Listen to ``products``' NAV and article signals (called once from ``OrdersConfig``)."""
    nav_published.connect(_on_nav_published, dispatch_uid="orders.insight.watch.nav")
    article_published.connect(_on_article_published, dispatch_uid="orders.insight.watch.article")
