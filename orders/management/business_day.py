"""What the commands that run one business day's batch share (``end_of_day``, ``plans_run``):
``--date YYYY-MM-DD`` (default: today, Asia/Shanghai), the service's refusal (a date in the
future) as the command's error, and one line summing up what the run did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class BusinessDayCommand(BaseCommand):
    date_help = "Business date, YYYY-MM-DD (default: today)."
    label: str  # starts the summary line: "<label> 2026-12-07: confirmed 3, …."
    nothing_done = ""  # the summary when the run returns no figures

    def run_day(self, day: dt.date) -> Mapping[str, object]:
        """Run the day's batch; its figures by name."""
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--date", help=self.date_help)

    def handle(self, *args, **options):
        try:
            day = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}.") from exc
        try:
            stats = self.run_day(day)
        except ValidationError as exc:  # a date in the future
            raise CommandError(" ".join(exc.messages)) from exc
        summary = (
            ", ".join(f"{key} {value}" for key, value in sorted(stats.items())) or self.nothing_done
        )
        self.stdout.write(f"{self.label} {day}: {summary}.")
