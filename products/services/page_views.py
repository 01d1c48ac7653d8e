"""Product page views, counted per product and day without tracking anyone (issue 15).

A view adds one to ``ProductPageViewDay(product, day)``: nothing about the visitor is stored
(no user, IP address, cookie or user agent), so the figure can feed the institution's
conversion from views to orders and nothing else. Robots and the people who run the platform
or sell on it are not counted: their visits are not demand.

With Redis (``settings.PAGE_VIEWS_BUFFERED``), a view is one ``HINCRBY`` of the day's hash in
Redis instead of an ``UPDATE`` of the day's row, which every visitor of a popular product
would otherwise queue on (its row lock, and a commit each). Beat's ``page-views-flush`` adds
the buffered views to the rows every minute (``page_views_flush``): the dashboard's figures
lag by at most that. No view is lost: the buffer is emptied by what was added, after the rows
commit, and a view counted while Redis is unreachable goes to the row directly.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from institutions.membership_flags import membership_flags

from ..models import Product, ProductPageViewDay

# A user agent containing one of these (any case) is a robot.
BOT_MARKERS = ("bot", "crawler", "spider")
# One Redis hash per business day: product slug -> views not yet added to the day's row.
BUFFER_PREFIX = "page-views:"
BUFFER_TTL = 7 * 24 * 3600  # a day's hash outlives any outage of the flush, then goes
FLUSH_LOCK = "page-views-flush-lock"  # not under BUFFER_PREFIX: the flush scans that
FLUSH_LOCK_SECONDS = 300

logger = logging.getLogger(__name__)


def page_view_countable(*, user, user_agent: str, prefetch: bool = False) -> bool:
    """Whether this visit is an investor's or a visitor's look at the page: not a robot, not a
    browser's speculative prefetch, not staff, not a member of an institution."""
    agent = user_agent.lower()
    if prefetch or any(marker in agent for marker in BOT_MARKERS):
        return False
    if user.is_authenticated:
        if user.is_staff:
            return False
        # Any membership, approved institution or not: they are sellers, not buyers (cached
        # per user with the MFA rule's answer: no query).
        if membership_flags(user).member:
            return False
    return True


def page_view_count(*, slug: str, day: dt.date | None = None) -> None:
    """Add one view of the product ``slug`` on ``day`` (today, Asia/Shanghai): to the Redis
    buffer when there is one (``page_views_flush`` moves it to the row), else to the row."""
    day = day or timezone.localdate()
    if settings.PAGE_VIEWS_BUFFERED:
        try:
            client, key = _buffer(day)
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(key, slug, 1)
            pipe.expire(key, BUFFER_TTL)
            pipe.execute()
            return
        except Exception:  # Redis unreachable: count it in the table, as without a buffer
            logger.warning("page view buffer unavailable; counting in the table", exc_info=True)
    _count_in_table(slug=slug, day=day, views=1)


def _buffer(day: dt.date):
    """The raw Redis client of the shared cache and the (prefixed) key of ``day``'s hash."""
    key = cache.make_key(f"{BUFFER_PREFIX}{day.isoformat()}")
    return cache._cache.get_client(key, write=True), key  # type: ignore[attr-defined]


def page_views_flush() -> int:
    """Add the buffered views to the days' rows, then take what was added out of the buffer;
    returns the views moved. One flush at a time (a lock in Redis); views counted while it
    runs stay in the buffer for the next one. Run by beat every minute."""
    if not settings.PAGE_VIEWS_BUFFERED or not cache.add(FLUSH_LOCK, 1, FLUSH_LOCK_SECONDS):
        return 0
    try:
        client, _ = _buffer(timezone.localdate())
        pattern = cache.make_key(f"{BUFFER_PREFIX}*")
        moved = 0
        for key in sorted(client.scan_iter(match=pattern)):
            day = dt.date.fromisoformat(key.decode().rsplit(":", 1)[1])
            counts = {
                slug.decode(): int(n) for slug, n in client.hgetall(key).items() if int(n) > 0
            }
            if not counts:
                continue
            with transaction.atomic():
                ids = dict(Product.objects.filter(slug__in=counts).values_list("slug", "pk"))
                _add_rows(day=day, views={ids[s]: n for s, n in counts.items() if s in ids})
            # Committed: take out exactly what was added (views since then stay).
            pipe = client.pipeline(transaction=False)
            for slug, n in counts.items():
                pipe.hincrby(key, slug, -n)
            pipe.execute()
            moved += sum(counts.values())
        return moved
    finally:
        cache.delete(FLUSH_LOCK)


def _add_rows(*, day: dt.date, views: dict[int, int]) -> None:
    """``views`` more on each product's row of ``day``, creating the rows that are missing:
    one ``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite both have it)."""
    if not views:
        return
    table = connection.ops.quote_name(ProductPageViewDay._meta.db_table)
    values = ", ".join(["(%s, %s, %s)"] * len(views))
    params: list = []
    for product_id, n in sorted(views.items()):
        params += [product_id, day, n]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (product_id, day, views) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (product_id, day) DO UPDATE SET views = {table}.views + excluded.views",
            params,
        )


def _count_in_table(*, slug: str, day: dt.date, views: int) -> None:
    """One UPDATE on every view after the day's first; the first creates the row, and when two
    first views race, the loser's insert fails on the unique constraint and it adds its one
    with the same UPDATE. ``views = views + 1`` runs in the database, so no view is lost."""
    rows = ProductPageViewDay.objects.filter(product__slug=slug, day=day)
    if rows.update(views=F("views") + views):
        return
    product_id = Product.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if product_id is None:
        return
    try:
        with transaction.atomic():
            ProductPageViewDay.objects.create(product_id=product_id, day=day, views=views)
    except IntegrityError:
        rows.update(views=F("views") + views)
