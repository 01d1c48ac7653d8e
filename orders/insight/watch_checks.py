"""Checking the watchlist's alerts: after each NAV upload and each published article, ``products``
sends a signal; the receiver here hands the check to Celery (``watch_tasks.check_alerts``), which
judges the product's alerts and sends each one that fires a single inbox notice (see
``orders.insight.models``). The watchlist and the alerts themselves are ``watch``'s."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from marketplace.tasks import enqueue
from products.models import Article, ArticleStatus, Product, ProductStatus
from products.signals import article_published, nav_published

from ..campaigns import inbox
from ..campaigns.models import Topic
from ..campaigns.notices import texts
from .models import NAV_KINDS, Alert, AlertFiring, AlertKind

CHECK_TASK = "orders.insight.watch_tasks.check_alerts"
CHECK_BATCH = 1000

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
