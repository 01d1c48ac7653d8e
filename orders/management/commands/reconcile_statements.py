"""``python manage.py reconcile_statements [YYYY-MM]``: prove the statements to the cent.

Every cash entry of a flow with an institution is on exactly one statement, and each statement's
figures equal the sum of its lines and of the flows and cash entries behind them. Exits
non-zero, listing every difference, when they do not.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from orders.services import reconcile_statements


class Command(BaseCommand):
    help = "Check that statements, their lines, their flows and the cash ledger agree to the cent."

    def add_arguments(self, parser):
        parser.add_argument("month", nargs="?", help="YYYY-MM (default: every statement)")

    def handle(self, *args, **options):
        month = None
        if options["month"]:
            try:
                month = dt.date.fromisoformat(f"{options['month']}-01")
            except ValueError as exc:
                raise CommandError(f"Give the month as YYYY-MM, got {options['month']!r}.") from exc
        problems = reconcile_statements(month=month)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} difference(s) in the statements.")
        scope = f"{month:%Y-%m}" if month else "Every statement"
        self.stdout.write(self.style.SUCCESS(f"{scope} reconciles to the cent."))
