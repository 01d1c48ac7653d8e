"""Identity documents' numbers: their normal form and the keyed hash that makes them unique."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def normalise(number: str) -> str:
    """Upper case, without spaces or dashes: the form that is stored, hashed and compared."""
    return "".join(number.split()).replace("-", "").upper()


def document_hash(document_type: str, number: str) -> str:
    """HMAC-SHA256 (hex) of the document's type and normal-form number under IDENTITY_HASH_KEY."""
    key = settings.IDENTITY_HASH_KEY.encode()
    message = f"{document_type}:{normalise(number)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
