"""``python manage.py demo_totp``: the current one-time code for the demo accounts' TOTP secret.

Only works for the published demo secret, so it reveals nothing about real accounts.
"""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand

from institutions.demo import DEMO_TOTP_SECRET


def demo_totp_code(at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // settings.MFA_TOTP_PERIOD)
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo accounts (staff and institution admins)."

    def handle(self, *args, **options):
        self.stdout.write(demo_totp_code())
