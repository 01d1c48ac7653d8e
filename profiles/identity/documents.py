"""Identity documents' numbers: their rules per document type, their normal form and the keyed
hash that makes them unique.

Every malformed number is refused with its own message and code (``ValidationError`` on the
``document_number``, ``date_of_birth`` or ``nationality`` field), so the form and the API say
exactly what to fix. The resident ID's structure and its ISO 7064 MOD 11-2 check character are
python-stdnum's (``stdnum.cn.ric``), never re-implemented here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from .countries import COUNTRIES
from .models import DocumentType

RIC_LENGTH = 18
PASSPORT_MIN, PASSPORT_MAX = 5, 20
EARLIEST_BIRTH = dt.date(1900, 1, 1)
# The 18-character residence permits of Hong Kong, Macau and Taiwan residents use the resident
# ID's format under these region codes (港澳台居民居住证).
PERMIT_REGIONS = {"810000": "HK", "820000": "MO", "830000": "TW"}

TYPE_UNKNOWN = _("Choose one of the listed document types.")
NUMBER_REQUIRED = _("Enter the document's number.")
RIC_TOO_SHORT = _("A resident identity card number has 18 characters; this one has %(count)s.")
RIC_OLD_15 = _(
    "15-digit identity cards are no longer valid: enter the 18-character number of your "
    "second-generation card."
)
RIC_TOO_LONG = _("A resident identity card number has 18 characters; this one has %(count)s.")
RIC_CHARACTERS = _(
    "A resident identity card number is 17 digits followed by a digit or the letter X."
)
RIC_BIRTH_DATE = _("Characters 7–14 of this number are not a real date of birth (YYYYMMDD).")
RIC_REGION = _("The first six digits of this number are not a region code of the mainland.")
RIC_CHECK = _(
    "The last character does not match the rest of the number: check it for a typing mistake."
)
RIC_IS_PERMIT = _(
    "This is a Hong Kong, Macau or Taiwan residence permit number: choose that permit as the "
    "document type."
)
PASSPORT_TOO_SHORT = _("A passport number has at least 5 letters or digits.")
PASSPORT_TOO_LONG = _("A passport number has at most 20 letters or digits.")
PASSPORT_CHARACTERS = _("A passport number has only the letters A–Z and digits.")
HK_MACAU_FORMAT = _(
    "A Hong Kong / Macau residents' permit number is H (Hong Kong) or M (Macau) followed by "
    "8 or 10 digits, e.g. H12345678."
)
HK_MACAU_LENGTH = _(
    "A Hong Kong / Macau residents' permit number has 9 or 11 characters (H or M and 8 or 10 "
    "digits); this one has %(count)s."
)
TAIWAN_FORMAT = _(
    "A Taiwan residents' permit number is 8 digits, or the 18-character residence permit "
    "number that starts with 830000."
)
TAIWAN_LENGTH = _(
    "A Taiwan residents' permit number has 8 digits (or 18 characters for a residence "
    "permit); this one has %(count)s."
)
PERMIT_REGION = _("An 18-character residence permit number of this kind starts with %(region)s.")
BIRTH_DATE_REQUIRED = _("Enter your date of birth as it is printed on the document.")
BIRTH_DATE_MISMATCH = _(
    "The date of birth you entered is not the one in the document number (%(number_date)s)."
)
BIRTH_DATE_IMPLAUSIBLE = _("Enter a date of birth between 1900 and today.")
NATIONALITY_REQUIRED = _("Choose the nationality printed on your passport.")
NATIONALITY_UNKNOWN = _("Choose a nationality from the list (an ISO 3166-1 two-letter code).")
NATIONALITY_FIXED = _(
    "This document is issued to residents of %(country)s only: nationality %(code)s."
)


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed its type's rules, in normal form."""

    document_type: str
    number: str
    date_of_birth: dt.date
    nationality: str

    @property
    def last4(self) -> str:
        return self.number[-4:]


def normalise(number: str) -> str:
    """Compatibility-folded (full-width digits and letters become ASCII), upper case, without
    spaces or dashes: the form that is stored, hashed and compared."""
    folded = unicodedata.normalize("NFKC", number or "")
    return "".join(folded.split()).replace("-", "").upper()


def document_hash(document_type: str, number: str) -> str:
    """HMAC-SHA256 (hex) of the document's type and normal-form number under IDENTITY_HASH_KEY."""
    key = settings.IDENTITY_HASH_KEY.encode()
    message = f"{document_type}:{normalise(number)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _number_error(message, code: str, **params) -> ValidationError:
    text = message % params if params else message
    return ValidationError({"document_number": ValidationError(text, code=code)})


def _resident_id_format(number: str, *, regions: set[str] | None = None) -> dt.date:
    """The checks of an 18-character resident-ID-format number (length, characters, check
    character, date of birth; the region against stdnum's table, or against ``regions``).
    Returns the date of birth in it."""
    if len(number) == 15 and number.isdecimal():
        raise _number_error(RIC_OLD_15, "number_too_short")
    if len(number) < RIC_LENGTH:
        raise _number_error(RIC_TOO_SHORT, "number_too_short", count=len(number))
    if len(number) > RIC_LENGTH:
        raise _number_error(RIC_TOO_LONG, "number_too_long", count=len(number))
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise _number_error(RIC_CHARACTERS, "number_bad_characters")
    if number[-1] != ric.calc_check_digit(number):
        raise _number_error(RIC_CHECK, "number_bad_check_character")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise _number_error(RIC_BIRTH_DATE, "number_bad_birth_date") from None
    if regions is None and number[:6] in PERMIT_REGIONS:
        raise _number_error(RIC_IS_PERMIT, "number_bad_region")
    if regions is not None:
        if number[:6] not in regions:
            raise _number_error(
                PERMIT_REGION, "number_bad_region", region=" / ".join(sorted(regions))
            )
        return birth
    try:
        ric.validate(number)  # everything above, and the region code in its birth year
    except stdnum_errors.InvalidComponent:
        raise _number_error(RIC_REGION, "number_bad_region") from None
    except stdnum_errors.ValidationError:  # pragma: no cover - all caught above
        raise _number_error(RIC_CHECK, "number_bad_check_character") from None
    return birth


def _passport(number: str) -> None:
    if len(number) < PASSPORT_MIN:
        raise _number_error(PASSPORT_TOO_SHORT, "number_too_short")
    if len(number) > PASSPORT_MAX:
        raise _number_error(PASSPORT_TOO_LONG, "number_too_long")
    if not re.fullmatch(r"[A-Z0-9]+", number):
        raise _number_error(PASSPORT_CHARACTERS, "number_bad_characters")


def _hk_macau(number: str) -> tuple[str, dt.date | None]:
    """The permit's nationality (HK or MO) and, for a residence permit, its date of birth."""
    if len(number) == RIC_LENGTH and number[:1].isdecimal():
        regions = {r for r, c in PERMIT_REGIONS.items() if c in ("HK", "MO")}
        birth = _resident_id_format(number, regions=regions)
        return PERMIT_REGIONS[number[:6]], birth
    if not re.fullmatch(r"[A-Z0-9]+", number):
        raise _number_error(HK_MACAU_FORMAT, "number_bad_characters")
    if len(number) < 9:
        raise _number_error(HK_MACAU_LENGTH, "number_too_short", count=len(number))
    if len(number) > 11:
        raise _number_error(HK_MACAU_LENGTH, "number_too_long", count=len(number))
    if not re.fullmatch(r"[HM]([0-9]{8}|[0-9]{10})", number):
        raise _number_error(HK_MACAU_FORMAT, "number_bad_characters")
    return ("HK" if number[0] == "H" else "MO"), None


def _taiwan(number: str) -> dt.date | None:
    if len(number) == RIC_LENGTH:
        return _resident_id_format(number, regions={"830000"})
    if not re.fullmatch(r"[0-9X]+", number):
        raise _number_error(TAIWAN_FORMAT, "number_bad_characters")
    if len(number) < 8:
        raise _number_error(TAIWAN_LENGTH, "number_too_short", count=len(number))
    if len(number) != 8:
        code = "number_too_long" if len(number) > 8 else "number_too_short"
        raise _number_error(TAIWAN_LENGTH, code, count=len(number))
    if not number.isdecimal():
        raise _number_error(TAIWAN_FORMAT, "number_bad_characters")
    return None


def _birth_date(from_number: dt.date | None, given: dt.date | None) -> dt.date:
    """The document's date of birth: the number's (a given one must match it), else the one
    given, which must be plausible."""
    if from_number is not None:
        if given is not None and given != from_number:
            message = BIRTH_DATE_MISMATCH % {"number_date": from_number.isoformat()}
            raise ValidationError(
                {"date_of_birth": ValidationError(message, code="birth_date_mismatch")}
            )
        birth = from_number
    elif given is None:
        raise ValidationError(
            {"date_of_birth": ValidationError(BIRTH_DATE_REQUIRED, code="birth_date_required")}
        )
    else:
        birth = given
    if not (EARLIEST_BIRTH <= birth <= timezone.localdate()):
        field = "document_number" if from_number is not None else "date_of_birth"
        code = "number_bad_birth_date" if from_number is not None else "birth_date_implausible"
        raise ValidationError({field: ValidationError(BIRTH_DATE_IMPLAUSIBLE, code=code)})
    return birth


def _nationality(fixed: str | None, given: str | None) -> str:
    code = (given or "").strip().upper()
    if fixed is not None:
        if code and code != fixed:
            message = NATIONALITY_FIXED % {"country": COUNTRIES[fixed], "code": fixed}
            raise ValidationError(
                {"nationality": ValidationError(message, code="nationality_mismatch")}
            )
        return fixed
    if not code:
        raise ValidationError(
            {"nationality": ValidationError(NATIONALITY_REQUIRED, code="nationality_required")}
        )
    if code not in COUNTRIES:
        raise ValidationError(
            {"nationality": ValidationError(NATIONALITY_UNKNOWN, code="nationality_unknown")}
        )
    return code


def document_check(
    *,
    document_type: str,
    number: str,
    nationality: str | None = None,
    date_of_birth: dt.date | None = None,
) -> CheckedDocument:
    """Check a document by its type's rules; returns it in normal form with its date of birth
    (from the number where the number holds one) and nationality (fixed by the document type,
    chosen for a passport). Raises ``ValidationError`` on the field at fault."""
    if document_type not in DocumentType.values:
        raise ValidationError(
            {"document_type": ValidationError(TYPE_UNKNOWN, code="document_type_unknown")}
        )
    number = normalise(number)
    if not number:
        raise _number_error(NUMBER_REQUIRED, "number_required")
    birth_in_number: dt.date | None = None
    fixed_nationality: str | None = None
    if document_type == DocumentType.RESIDENT_ID:
        birth_in_number, fixed_nationality = _resident_id_format(number), "CN"
    elif document_type == DocumentType.PASSPORT:
        _passport(number)
    elif document_type == DocumentType.HK_MACAU_PERMIT:
        fixed_nationality, birth_in_number = _hk_macau(number)
    else:
        birth_in_number, fixed_nationality = _taiwan(number), "TW"
    return CheckedDocument(
        document_type=document_type,
        number=number,
        date_of_birth=_birth_date(birth_in_number, date_of_birth),
        nationality=_nationality(fixed_nationality, nationality),
    )
