"""A real Celery worker consuming from the real Redis broker, in a thread of the test process.

Tests using ``real_worker`` are transactional (the worker's own database connection must see
committed rows) and marked ``redis``: they skip without REDIS_URL, and CI always sets it.
"""

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections

from marketplace.celery import app as celery_app


@pytest.fixture
def real_worker(transactional_db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.REDIS_URL
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
        queues=["default", "end_of_day", "offers"],
    ) as worker:
        yield worker
    celery_app.conf.task_always_eager = True
    connections.close_all()
