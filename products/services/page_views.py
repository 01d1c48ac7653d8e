"""Product page views, counted per product and day without tracking anyone (issue 15).

A view adds one to ``ProductPageViewDay(product, day)``: nothing about the visitor is stored
(no user, IP address, cookie or user agent), so the figure can feed the institution's
conversion from views to orders and nothing else. Robots and the people who run the platform
or sell on it are not counted: their visits are not demand.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from institutions.models import Membership

from ..models import Product, ProductPageViewDay

# A user agent containing one of these (any case) is a robot.
BOT_MARKERS = ("bot", "crawler", "spider")


def page_view_countable(*, user, user_agent: str, prefetch: bool = False) -> bool:
    """Whether this visit is an investor's or a visitor's look at the page: not a robot, not a
    browser's speculative prefetch, not staff, not a member of an institution."""
    agent = user_agent.lower()
    if prefetch or any(marker in agent for marker in BOT_MARKERS):
        return False
    if user.is_authenticated:
        if user.is_staff:
            return False
        # Any membership, approved institution or not: they are sellers, not buyers.
        if Membership.objects.filter(user=user).exists():
            return False
    return True


def page_view_count(*, slug: str, day: dt.date | None = None) -> None:
    """Add one view of the product ``slug`` on ``day`` (today, Asia/Shanghai).

    One UPDATE on every view after the day's first; the first creates the row, and when two
    first views race, the loser's insert fails on the unique constraint and it adds its one
    with the same UPDATE. ``views = views + 1`` runs in the database, so no view is lost."""
    day = day or timezone.localdate()
    rows = ProductPageViewDay.objects.filter(product__slug=slug, day=day)
    if rows.update(views=F("views") + 1):
        return
    product_id = Product.objects.filter(slug=slug).values_list("pk", flat=True).first()
    if product_id is None:
        return
    try:
        with transaction.atomic():
            ProductPageViewDay.objects.create(product_id=product_id, day=day, views=1)
    except IntegrityError:
        rows.update(views=F("views") + 1)
