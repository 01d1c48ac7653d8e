"""Celery tasks of the catalogue: thin wrappers over services; safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def page_views_flush() -> int:
    """Every minute (beat): add the page views buffered in Redis to the day's rows."""
    return services.page_views_flush()
