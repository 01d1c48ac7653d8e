"""``python manage.py reconcile_cash``: prove the cash ledger identity to the cent.

Exits non-zero, listing every difference, when it does not hold.
"""

from django.core.management.base import BaseCommand, CommandError

from orders.services import reconcile_cash


class Command(BaseCommand):
    help = "Check that balances, ledger entries and payments agree to the cent."

    def handle(self, *args, **options):
        problems = reconcile_cash()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} difference(s) in the cash ledger.")
        self.stdout.write(self.style.SUCCESS("Cash ledger reconciles to the cent."))
