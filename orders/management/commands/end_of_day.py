"""``python manage.py end_of_day [--date YYYY-MM-DD]``: what beat runs after a trading day."""

from orders import services
from orders.management.business_day import BusinessDayCommand


class Command(BusinessDayCommand):
    help = (
        "Run end of day synchronously for a business date (default: today, Asia/Shanghai): "
        "order confirmation at NAV(T), money-market income, savings maturity. "
        "A date in the future is refused."
    )
    label = "End of day"
    nothing_done = "nothing to do"

    def run_day(self, day):
        return services.end_of_day(run_date=day)
