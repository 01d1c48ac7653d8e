"""The document number's encryption key rotates: a new salt (or secret) goes first, the old
one still decrypts, ``reencrypt_identities`` rewrites every row, and then the old key can go."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from profiles.identity.models import Identity
from tests.factories import IdentityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_keys():
    """The field caches the keys it derived; forget them whenever the settings change."""
    field = Identity._meta.get_field("document_number")

    def reset():
        for cached in ("keys", "f"):
            field.__dict__.pop(cached, None)

    reset()
    yield reset
    reset()


def _raw(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_number FROM profiles_identity WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _number(pk):
    return Identity.objects.values_list("document_number", flat=True).get(pk=pk)


@pytest.mark.parametrize("rotated", ["salt", "secret"])
def test_rotating_the_key_then_reencrypting_lets_the_old_key_go(settings, fresh_keys, rotated):
    identity = IdentityFactory(user=UserFactory(identity=False))
    number = identity.document_number
    before = _raw(identity.pk)
    assert number not in before
    old_salts, old_secret = list(settings.SALT_KEY), settings.SECRET_KEY
    if rotated == "salt":
        settings.SALT_KEY = ["a-new-salt-for-2027", *old_salts]
    else:
        settings.SECRET_KEY = "a-new-secret-key-for-2027-" + "x" * 30
        settings.SECRET_KEY_FALLBACKS = [old_secret]
    fresh_keys()
    assert _number(identity.pk) == number  # the old key still decrypts

    call_command("reencrypt_identities")

    if rotated == "salt":
        settings.SALT_KEY = ["a-new-salt-for-2027"]
    else:
        settings.SECRET_KEY_FALLBACKS = []
    fresh_keys()
    assert _number(identity.pk) == number  # only the new key now, and it reads the row
    assert _raw(identity.pk) != before
    assert number not in _raw(identity.pk)


def test_a_key_dropped_too_soon_is_reported_and_nothing_is_encrypted_twice(settings, fresh_keys):
    identity = IdentityFactory(user=UserFactory(identity=False))
    number, before = identity.document_number, _raw(identity.pk)
    settings.SALT_KEY = ["a-new-salt-for-2027"]  # the old salt dropped before re-encrypting
    fresh_keys()
    assert _number(identity.pk) != number  # the library hands back the ciphertext

    with pytest.raises(CommandError, match="put the old key back"):
        call_command("reencrypt_identities")

    assert _raw(identity.pk) == before  # untouched, not encrypted a second time
