"""``python manage.py close_month YYYY-MM``: close every institution's statement for a month."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.dates import parse_month
from orders import services


class Command(BaseCommand):
    help = "Close the settlement statements of a month that is over (safe to rerun)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")

    def handle(self, *args, **options):
        month = parse_month(options["month"])
        if month is None:
            raise CommandError(f"Give the month as YYYY-MM, got {options['month']!r}.")
        try:
            statements = services.close_month(month=month)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for statement in statements:
            self.stdout.write(
                f"{statement.institution.name}: commission {statement.commission:,.2f}, "
                f"payable to institution {statement.payable_to_institution:,.2f}, "
                f"to platform {statement.payable_to_platform:,.2f}"
            )
        self.stdout.write(f"{month:%Y-%m}: {len(statements)} statement(s) closed.")
