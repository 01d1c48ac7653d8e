"""The Celery app: ``celery -A marketplace worker`` and ``celery -A marketplace beat``.

Tasks subclass Celery's Django task class and are enqueued after commit through
:func:`marketplace.tasks.enqueue`, never with ``.delay()`` inside a transaction.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

app = Celery("marketplace", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
