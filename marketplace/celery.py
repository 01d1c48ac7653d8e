"""The Celery app: ``celery -A marketplace worker`` and ``celery -A marketplace beat``.

Tasks subclass Celery's Django task class and are enqueued after commit through
:func:`marketplace.tasks.enqueue`, never with ``.delay()`` inside a transaction.
"""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import InterfaceError, OperationalError, connection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

DB_RETRIES = 5


class Task(DjangoTask):
    """A task whose database connection is lost mid-run (a failover, a restart, a terminated
    backend: the transaction it was in is rolled back) runs again on a new connection, after
    2, 4, 8… seconds, up to :data:`DB_RETRIES` times. Every task is idempotent (DESIGN §5);
    without this the broker would take the failure as done, and end of day, say, would stay
    half done until the next night's run."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if (
                not isinstance(exc, _connection_errors())
                or self.request.is_eager
                or self.request.retries >= DB_RETRIES
            ):
                raise
            raise self.retry(
                exc=exc, countdown=2 ** (self.request.retries + 1), max_retries=DB_RETRIES
            ) from exc


def _connection_errors() -> tuple[type[Exception], ...]:
    """Django's, and the driver's own (raised past Django's wrapper, e.g. by COPY)."""
    database = connection.Database  # type: ignore[attr-defined]  # the backend's DB-API module
    return (InterfaceError, OperationalError, database.InterfaceError, database.OperationalError)


app = Celery("marketplace", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
