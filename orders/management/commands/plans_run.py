"""``python manage.py plans_run [--date YYYY-MM-DD]``: what beat runs each trading morning."""

from orders.management.business_day import BusinessDayCommand
from orders.plans import run


class Command(BusinessDayCommand):
    help = (
        "Place the automatic-investment-plan purchases due on a trading day (default: today, "
        "Asia/Shanghai), synchronously, as beat does each morning. Idempotent: a rerun places "
        "nothing twice. A past day's purchases are placed now; a future date is refused."
    )
    date_help = "Due date, YYYY-MM-DD (default: today)."
    label = "Plans"

    def run_day(self, day):
        return run.plans_run(day=day)
