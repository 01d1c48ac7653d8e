"""Fortune Market project package: settings, URLs, the Celery app and shared base code."""

from .celery import app as celery_app

__all__ = ("celery_app",)
