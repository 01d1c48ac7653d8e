"""Every write about an investor's identity: submitting it for verification, the provider's
outcome, staff review, and the 65-and-over cap that a verified date of birth can bring.

A submission claims its document before the provider is called: the pending row (unique
through the keyed hash while pending, in review or verified) is committed first, so two
accounts submitting one number at once cannot both hold it, and a provider that is slow or
down never holds a database transaction open. A rejected identity gives its number back: the
encrypted number and its hash are erased, only the last four characters stay to show the
investor what was refused, and the investor may submit again. A verified identity is final
(changes go through staff).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.validators import plain_text
from profiles.identity import providers
from profiles.identity.ages import ADULT_AGE, ELDERLY_LEVEL_CAP, age_on, is_elderly_age
from profiles.identity.documents import CheckedDocument, document_check, document_hash
from profiles.identity.models import (
    TRANSITIONS,
    Identity,
    IdentityEvent,
    IdentityEventKind,
    IdentityStatus,
)
from profiles.models import InvestorProfile, RiskAssessment, User

NAME_REQUIRED = _("Enter your legal name exactly as it is printed on the document.")
NAME_TOO_LONG = _("A legal name has at most 100 characters.")
NAME_CHARACTERS = _(
    "A legal name has only letters, spaces and the marks · ' - . (no digits or symbols)."
)
MINOR = _(
    "You must be %(age)s or over to invest on Fortune Market: the date of birth on this "
    "document is %(birth)s."
)
TAKEN = _(
    "This document is already verified for another Fortune Market account: one person may "
    "hold one investor account. If it is yours, contact us rather than opening a second one."
)
IN_PROGRESS = _("Your identity is already being checked: wait for the outcome before resubmitting.")
FINAL = _(
    "Your identity is verified, and a verified identity cannot be changed here: contact us to "
    "correct it."
)
NOT_IN_REVIEW = _("This identity is not waiting for a review (it was decided already).")
REASON_TOO_LONG = _("A reason has at most 300 characters.")
REASON_REQUIRED = _("Give the reason for the rejection: the investor is shown it.")
OWN_IDENTITY = _("Another member of staff must review your own identity.")
STAFF_ONLY = _("Only platform staff review identities.")
ILLEGAL_MOVE = "An identity cannot go from {current} to {target}."

NAME_MAX = 100
REASON_MAX = 300
NAME_MARKS = set(" ·•'’-.")


def _clean_name(legal_name: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", legal_name or "").split())
    if not name:
        raise ValidationError(NAME_REQUIRED, code="name_required")
    if len(name) > NAME_MAX:
        raise ValidationError(NAME_TOO_LONG, code="name_too_long")
    plain_text(name)
    if any(not (unicodedata.category(c)[0] in "LM" or c in NAME_MARKS) for c in name):
        raise ValidationError(NAME_CHARACTERS, code="name_bad_characters")
    return name


def _checked(
    *, legal_name, document_type, document_number, nationality, date_of_birth
) -> tuple[str, CheckedDocument]:
    """The name and the document, or every field's error at once."""
    errors: dict[str, list[ValidationError]] = {}
    name = ""
    try:
        name = _clean_name(legal_name)
    except ValidationError as exc:
        errors["legal_name"] = exc.error_list
    try:
        document = document_check(
            document_type=document_type,
            number=document_number or "",
            nationality=nationality,
            date_of_birth=date_of_birth,
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return name, document


def _move(
    identity: Identity,
    *,
    to: str,
    kind: str,
    actor: User | None = None,
    reason: str = "",
    now: dt.datetime,
) -> None:
    """The one way an identity's status changes: allowed moves only, each with its event."""
    current = IdentityStatus(identity.status)
    if to not in TRANSITIONS[current]:
        raise ValidationError(ILLEGAL_MOVE.format(current=current, target=to), code="illegal")
    identity.status = to
    fields = ["status"]
    if to == IdentityStatus.VERIFIED:
        identity.verified_at = now
        identity.failure_reason = ""
        fields += ["verified_at", "failure_reason"]
    elif to == IdentityStatus.REJECTED:
        # The number goes back: nothing of it but the last four stays on a refused record.
        identity.document_number = None
        identity.document_hash = ""
        identity.failure_reason = reason[:REASON_MAX]
        fields += ["document_number", "document_hash", "failure_reason"]
    elif to == IdentityStatus.REVIEW:
        identity.failure_reason = reason[:REASON_MAX]
        fields += ["failure_reason"]
    if actor is not None:
        identity.reviewed_by = actor
        fields.append("reviewed_by")
    identity.save(update_fields=fields)
    IdentityEvent.objects.create(
        identity=identity, kind=kind, actor=actor, reason=reason[:REASON_MAX], created_at=now
    )


def _claim(
    *, user: User, name: str, document: CheckedDocument, provider_name: str, now
) -> Identity:
    """Write the pending identity that holds the document (committed before the provider is
    called). A number another account holds is refused without saying whose."""
    try:
        with transaction.atomic():
            identity = Identity.objects.select_for_update().filter(user=user).first()
            if identity is not None and identity.status == IdentityStatus.VERIFIED:
                raise ValidationError(FINAL, code="identity_final")
            if identity is not None and identity.status != IdentityStatus.REJECTED:
                raise ValidationError(IN_PROGRESS, code="identity_in_progress")
            if identity is not None:
                _move(
                    identity, to=IdentityStatus.PENDING, kind=IdentityEventKind.SUBMITTED, now=now
                )
            else:
                identity = Identity(user=user, status=IdentityStatus.PENDING)
            identity.legal_name = name
            identity.document_type = document.document_type
            identity.document_number = document.number
            identity.document_hash = document_hash(document.document_type, document.number)
            identity.document_last4 = document.last4
            identity.date_of_birth = document.date_of_birth
            identity.nationality = document.nationality
            identity.provider = provider_name
            identity.provider_reference = providers.new_reference()
            identity.failure_reason = ""
            identity.submitted_at = now
            identity.verified_at = None
            identity.reviewed_by = None
            created = identity.pk is None
            identity.save()
            if created:
                IdentityEvent.objects.create(
                    identity=identity, kind=IdentityEventKind.SUBMITTED, created_at=now
                )
    except IntegrityError:
        if Identity.objects.filter(user=user).exclude(status=IdentityStatus.REJECTED).exists():
            raise ValidationError(IN_PROGRESS, code="identity_in_progress") from None
        raise ValidationError(
            {"document_number": ValidationError(TAKEN, code="identity_taken")}
        ) from None
    return identity


OUTCOMES = {
    "verified": (IdentityStatus.VERIFIED, IdentityEventKind.VERIFIED),
    "review": (IdentityStatus.REVIEW, IdentityEventKind.SENT_TO_REVIEW),
    "failed": (IdentityStatus.REJECTED, IdentityEventKind.FAILED),
}


def identity_submit(
    *,
    user: User,
    legal_name: str,
    document_type: str,
    document_number: str,
    nationality: str | None = None,
    date_of_birth: dt.date | None = None,
) -> Identity:
    """Check the document by its rules, refuse a minor and a number another account holds,
    have the provider verify it and record the outcome (verified, in review, or failed with
    the reason). Bad input and refusals save nothing."""
    name, document = _checked(
        legal_name=legal_name,
        document_type=document_type,
        document_number=document_number,
        nationality=nationality,
        date_of_birth=date_of_birth,
    )
    now = timezone.now()
    if age_on(document.date_of_birth, timezone.localdate(now)) < ADULT_AGE:
        message = MINOR % {"age": ADULT_AGE, "birth": document.date_of_birth.isoformat()}
        # On the field the date came from: the number (a resident ID holds it) unless typed in.
        field = "date_of_birth" if date_of_birth is not None else "document_number"
        raise ValidationError({field: ValidationError(message, code="identity_minor")})
    provider = providers.provider()
    identity = _claim(user=user, name=name, document=document, provider_name=provider.name, now=now)
    try:
        result = provider.verify(
            legal_name=name,
            document_type=document.document_type,
            document_number=document.number,
            date_of_birth=document.date_of_birth,
            nationality=document.nationality,
            reference=identity.provider_reference,
        )
        status, kind = OUTCOMES[result.status]
        reason = result.reason
    except (providers.ProviderError, KeyError):
        status, kind = IdentityStatus.REVIEW, IdentityEventKind.SENT_TO_REVIEW
        reason = providers.english(providers.PROVIDER_DOWN)
    with transaction.atomic():
        identity = Identity.objects.select_for_update().get(pk=identity.pk)
        _move(identity, to=status, kind=kind, reason=str(reason), now=timezone.now())
        if status == IdentityStatus.VERIFIED:
            _cap_elderly_level(identity=identity)
    return identity


@transaction.atomic
def identity_review(
    *, identity: Identity, actor: User, approve: bool, reason: str = ""
) -> Identity:
    """Staff decide an identity the provider sent to review: approve (verified) or reject
    with a reason the investor is shown. Only staff, never their own, only while in review."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(STAFF_ONLY)
    reason = " ".join((reason or "").split())
    if not approve and not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": ValidationError(REASON_TOO_LONG, code="reason_too_long")})
    plain_text(reason)
    identity = Identity.objects.select_for_update().get(pk=identity.pk)
    if identity.user_id == actor.pk:
        raise PermissionDenied(OWN_IDENTITY)
    if identity.status != IdentityStatus.REVIEW:
        raise ValidationError(NOT_IN_REVIEW, code="identity_not_in_review")
    now = timezone.now()
    if approve:
        _move(
            identity,
            to=IdentityStatus.VERIFIED,
            kind=IdentityEventKind.APPROVED,
            actor=actor,
            reason=reason,
            now=now,
        )
        _cap_elderly_level(identity=identity)
    else:
        _move(
            identity,
            to=IdentityStatus.REJECTED,
            kind=IdentityEventKind.REJECTED,
            actor=actor,
            reason=reason,
            now=now,
        )
    return identity


def _cap_elderly_level(*, identity: Identity) -> None:
    """A verified date of birth of 65 or over caps a level above C3 that the investor never
    confirmed (the questionnaire was answered before the age was known): the profile and its
    latest assessment become C3, the assessment keeps the level as scored, and an event says
    so. Retaking the questionnaire with the confirmation restores the level as scored."""
    if not is_elderly_age(age_on(identity.date_of_birth, timezone.localdate())):
        return
    profile = InvestorProfile.objects.select_for_update().filter(user_id=identity.user_id).first()
    if profile is None or not profile.risk_level or profile.risk_level <= ELDERLY_LEVEL_CAP:
        return
    latest = RiskAssessment.objects.filter(user_id=identity.user_id).first()
    if latest is not None and latest.elderly_confirmed_at is not None:
        return
    scored = profile.risk_level
    if latest is not None and latest.risk_level > ELDERLY_LEVEL_CAP:
        latest.scored_level = latest.scored_level or latest.risk_level
        latest.risk_level = ELDERLY_LEVEL_CAP
        latest.save(update_fields=["scored_level", "risk_level"])
    profile.risk_level = ELDERLY_LEVEL_CAP
    profile.updated_at = timezone.now()
    profile.save(update_fields=["risk_level", "updated_at"])
    IdentityEvent.objects.create(
        identity=identity,
        kind=IdentityEventKind.LEVEL_CAPPED,
        reason=f"C{scored} → C{ELDERLY_LEVEL_CAP}",
    )


FERNET_TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (every Fernet token starts so; no document number)


def identity_numbers_reencrypt(*, chunk_size: int = 500) -> tuple[int, list[int]]:
    """Rewrite every stored document number under the newest key (SECRET_KEY with the first of
    FIELD_ENCRYPTION_SALTS), after a rotation put a new secret or salt first; the old one can
    then be dropped. Each row is read (any known key decrypts it) and written back in one
    UPDATE; the keyed hash does not change.

    The field library hands back the ciphertext itself when no configured key opens it (an old
    key dropped too soon): such rows are left untouched, never encrypted a second time, and
    their ids returned. Returns (how many were rewritten, ids that no key opens)."""
    rewritten, unreadable = 0, []
    stored = Identity.objects.filter(document_number__isnull=False).only("pk", "document_number")
    for identity in stored.iterator(chunk_size=chunk_size):
        if identity.document_number.startswith(FERNET_TOKEN_PREFIX):
            unreadable.append(identity.pk)
            continue
        Identity.objects.filter(pk=identity.pk).update(document_number=identity.document_number)
        rewritten += 1
    return rewritten, unreadable
