"""Celery: the broker (Redis, else in-memory with tasks run in-process), how workers take tasks,
the task modules they import, and beat's schedule."""

from celery.schedules import crontab

from .environment import env
from .i18n import TIME_ZONE
from .stores import REDIS_URL

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker outage must not hold a web request: publishing fails fast and the message waits in
# the outbox (marketplace.outbox) until beat's relay gets it through.
# A task taken by a worker that dies (acks_late) goes back to the queue only after
# ``visibility_timeout``. CELERY_BROKER_TRANSPORT_OPTIONS (JSON) overrides any of these; the
# fault tests (tests/integration/test_faults*.py) start workers with a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    **env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={}),
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
# autodiscover_tasks finds each app's ``tasks`` module; the sub-packages' own (``orders/<sub>/
# tasks.py``) are listed here so that a worker knows them before anything enqueues them.
CELERY_IMPORTS = [
    "orders.campaigns.tasks",
    "orders.insight.watch_tasks",
    "orders.plans.tasks",
    "profiles.security.tasks",
]
# Beat schedule: later issues add end-of-day, trail accrual and monthly close here.
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "marketplace.tasks.outbox_relay", "schedule": 30.0},
    # Product page views buffered in Redis go to their daily rows (products.services.page_views).
    "page-views-flush": {"task": "products.tasks.page_views_flush", "schedule": 60.0},
    "purge-expired-invitations-nightly": {
        "task": "institutions.tasks.invitations_purge_expired",
        "schedule": crontab(hour=2, minute=0),
    },
    # After the day's NAVs are in (institutions upload them in the evening): confirm orders,
    # add money-market income, pay matured savings. Every day: income accrues on weekends too.
    "end-of-day": {
        "task": "orders.tasks.end_of_day_run",
        "schedule": crontab(hour=22, minute=30),
        "options": {"queue": "end_of_day"},
    },
    # The 1st of each month, after the night's end of day: last month's statements.
    "close-previous-month": {
        "task": "orders.tasks.close_previous_month",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
        "options": {"queue": "end_of_day"},
    },
    # Payouts the provider left pending are tried again (bounded, with backoff).
    "payouts-retry": {"task": "orders.tasks.payouts_retry", "schedule": 600.0},
    # Inbox e-mails still pending (the posting side asks a worker at once; this is the sweep).
    "inbox-email": {
        "task": "orders.campaigns.tasks.inbox_email_send",
        "schedule": 60.0,
        "options": {"queue": "offers"},
    },
    # Campaigns (orders/campaigns/fanout.py): scheduled ones start at their time (and ranges a
    # dead worker left are enqueued again); after-purchase ones follow up buyers when due.
    "campaigns-scheduled": {
        "task": "orders.campaigns.tasks.campaigns_scheduled_start",
        "schedule": 60.0,
        "options": {"queue": "offers"},
    },
    "campaigns-after-purchase": {
        "task": "orders.campaigns.tasks.campaign_triggers_run",
        "schedule": 300.0,
        "options": {"queue": "offers"},
    },
    # After-sales notices each morning: deposits maturing in 7 days, cooling-off ending in 3,
    # risk assessments expiring in 30; and yesterday's end-of-day notices again (a safety net).
    "after-sales-notices": {
        "task": "orders.campaigns.tasks.notices_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    # Automatic investment plans (orders/plans/run.py): each trading morning, well before the
    # 15:00 cut-off, the day's purchases are claimed by id range and placed as orders; the
    # 13:30 run is a sweep (a rerun places nothing twice; it finishes what a dead worker left).
    "plans-run": {
        "task": "orders.plans.tasks.plans_dispatch",
        "schedule": crontab(hour=9, minute=30),
        "options": {"queue": "end_of_day"},
    },
    "plans-sweep": {
        "task": "orders.plans.tasks.plans_dispatch",
        "schedule": crontab(hour=13, minute=30),
        "options": {"queue": "end_of_day"},
    },
    # A safety net behind the outbox: upfront commission for anything confirmed and missed.
    "commission-sweep": {
        "task": "orders.tasks.commission_sweep",
        "schedule": crontab(minute=15),
        "kwargs": {"since_days": 3},
    },
}
