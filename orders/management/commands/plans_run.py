"""``python manage.py plans_run [--date YYYY-MM-DD]``: what beat runs each trading morning."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.plans import run


class Command(BaseCommand):
    help = (
        "Place the automatic-investment-plan purchases due on a trading day (default: today, "
        "Asia/Shanghai), synchronously, as beat does each morning. Idempotent: a rerun places "
        "nothing twice. A past day's purchases are placed now; a future date is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Due date, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options):
        try:
            day = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}.") from exc
        try:
            stats = run.plans_run(day=day)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        summary = ", ".join(f"{key} {value}" for key, value in sorted(stats.items()))
        self.stdout.write(f"Plans {day}: {summary}.")
