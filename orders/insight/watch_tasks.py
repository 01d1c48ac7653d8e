"""Celery task of the watchlist: judge a product's alerts after a NAV upload, or the
announcement alerts an article meets. A thin wrapper over ``orders.insight.watch_checks``; safe
to run twice or twice at once (the alerts are locked while judged, each trigger fires once)."""

from __future__ import annotations

from celery import shared_task

from . import watch_checks


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=600,
    time_limit=660,
)
def check_alerts(product_id: int | None = None, article_id: int | None = None) -> int:
    """``product_id``: its NAV alerts, on its latest NAV; ``article_id``: the announcement
    alerts it meets. Returns how many alerts fired."""
    return watch_checks.check_alerts(product_id=product_id, article_id=article_id)
