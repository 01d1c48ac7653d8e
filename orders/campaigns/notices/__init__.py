"""After-sales notices (DESIGN §4): service, not marketing, so sent to everyone concerned with
no consent needed, each once (unique per investor, topic and subject), in the inbox and, unless
the investor turned an optional one off, by e-mail.

- ``daily``: what end of day did (orders confirmed, money paid, deposits matured) and the
  date-driven reminders beat sends each morning (maturing, cooling-off ending, assessment
  expiring), set-based in batches;
- ``events``: an order changed by the platform; a held product's risk raised;
- ``preferences``: which e-mails the investor may turn off;
- ``texts``: what they say."""

from .daily import (
    ASSESSMENT_DAYS,
    COOLING_OFF_DAYS,
    MATURING_DAYS,
    NOTICE_BATCH,
    confirmed_orders_notify,
    notices_due,
    notices_for_day,
    orders_notify,
)
from .events import (
    end_of_day_notices,
    order_events_notify,
    rejected_orders_notify,
    risk_raised_notify,
)
from .preferences import ALWAYS_EMAILED, OPTIONAL, WHY_ALWAYS, preferences_of, preferences_update

__all__ = [
    "ALWAYS_EMAILED",
    "ASSESSMENT_DAYS",
    "COOLING_OFF_DAYS",
    "MATURING_DAYS",
    "NOTICE_BATCH",
    "OPTIONAL",
    "WHY_ALWAYS",
    "confirmed_orders_notify",
    "end_of_day_notices",
    "notices_due",
    "notices_for_day",
    "order_events_notify",
    "orders_notify",
    "rejected_orders_notify",
    "preferences_of",
    "preferences_update",
    "risk_raised_notify",
]
