"""``python manage.py seed_demo``: idempotent demo data, with the logins printed at the end.

It lives in ``orders`` because that is the one app allowed to call every other app's demo
seeding (DESIGN §2); each app's ``demo`` module seeds its own data through its services.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from institutions.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_user, seed_institutions
from orders.demo.cash import seed_cash
from orders.demo.clock import seed_holidays
from orders.demo.engagement import seed_after_sales, seed_page_views, seed_watchlist
from orders.demo.portfolios import seed_portfolios
from products.demo.seed import seed_products
from profiles.demo import IN_REVIEW, LOGINS, NEWCOMER, seed_investors

INVESTORS = LOGINS
REFUSED_IN_PRODUCTION = (
    "seed_demo does not run under production settings: it creates a staff account whose "
    "password is published in the README."
)


class Command(BaseCommand):
    help = (
        "Create (or top up) demo staff, institutions, members, products and investors. "
        "Safe to rerun."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(REFUSED_IN_PRODUCTION)
        self.stdout.write("Seeding demo data…")
        # The demo's own notifications (applications received, approvals) are not printed:
        # in-process they would bury the logins below. With a worker they go to its log.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            logins, products = self.seed()
        self.report(logins, products)

    @transaction.atomic
    def seed(self):
        logins = seed_institutions(self.stdout.write)
        seed_holidays(self.stdout.write)
        products = seed_products(self.stdout.write)
        for email in INVESTORS:
            demo_user(email)
        seed_investors(self.stdout.write)
        seed_cash(self.stdout.write)
        seed_portfolios(self.stdout.write)
        seed_after_sales(self.stdout.write)
        seed_page_views(self.stdout.write)
        seed_watchlist(self.stdout.write)
        logins.append(("investor@fortune.example", "investor (C3, consents on, holdings + cash)"))
        logins.append(("investor2@fortune.example", "investor (C4, holdings + cash)"))
        logins.append(("senior@fortune.example", "investor aged 70 (capped at C3, cash)"))
        logins.append((NEWCOMER, "new investor: identity not verified yet"))
        logins.append((IN_REVIEW, "investor whose identity waits for staff review"))
        return logins, products

    def report(self, logins, products):
        self.stdout.write(
            f"  catalogue: {products['published']} published products, "
            f"{products['articles_published']} published articles"
        )
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all below):"))
        self.stdout.write(f"  password: {DEMO_PASSWORD}")
        width = max(len(email) for email, _ in logins)
        for email, role in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role}")
        self.stdout.write(
            f"  Accounts marked MFA use the TOTP secret {DEMO_TOTP_SECRET}; "
            "`python manage.py demo_totp` prints the current code."
        )
