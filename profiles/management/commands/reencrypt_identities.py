"""``python manage.py reencrypt_identities``: after rotating SECRET_KEY (old one in
SECRET_KEY_FALLBACKS) or FIELD_ENCRYPTION_SALTS (new salt first), rewrite every identity
document number under the newest key, so the old key can be retired."""

from django.core.management.base import BaseCommand, CommandError

from profiles.identity.services import identity_numbers_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt every identity document number under the newest key."

    def handle(self, *args, **options):
        count, unreadable = identity_numbers_reencrypt()
        self.stdout.write(f"{count} document number(s) re-encrypted.")
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} number(s) no configured key opens (identities "
                f"{', '.join(map(str, unreadable[:20]))}): put the old key back "
                "(SECRET_KEY_FALLBACKS or FIELD_ENCRYPTION_SALTS) and run this again."
            )
