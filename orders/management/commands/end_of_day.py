"""``python manage.py end_of_day [--date YYYY-MM-DD]``: what beat runs after a trading day."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders import services


class Command(BaseCommand):
    help = (
        "Run end of day synchronously for a business date (default: today, Asia/Shanghai): "
        "order confirmation at NAV(T), money-market income, savings maturity. "
        "A date in the future is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Business date, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        try:
            day = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}.") from exc
        try:
            stats = services.end_of_day(run_date=day)
        except ValidationError as exc:  # a date in the future
            raise CommandError(" ".join(exc.messages)) from exc
        summary = (
            ", ".join(f"{key} {value}" for key, value in sorted(stats.items())) or "nothing to do"
        )
        self.stdout.write(f"End of day {day}: {summary}.")
