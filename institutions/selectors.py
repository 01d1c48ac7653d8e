"""Reads about institutions, always scoped where they must be."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .models import (
    CommissionContract,
    Institution,
    InstitutionEvent,
    InstitutionStatus,
    Invitation,
    Membership,
    Role,
)


def institution_list_for_review(*, status: str | None = None) -> QuerySet[Institution]:
    qs = Institution.objects.select_related("applicant").order_by("-created_at")
    if status:
        qs = qs.filter(status=status)
    return qs


def institution_status_counts() -> dict[str, int]:
    rows = Institution.objects.values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in InstitutionStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def institution_history(*, institution: Institution) -> QuerySet[InstitutionEvent]:
    return institution.events.select_related("actor").order_by("-created_at", "-id")


def institution_public_list() -> QuerySet[Institution]:
    return Institution.objects.filter(status=InstitutionStatus.APPROVED)


def memberships_for_user(*, user) -> QuerySet[Membership]:
    """The user's memberships of institutions that have been approved (even if now suspended)."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            user=user,
            institution__status__in=[InstitutionStatus.APPROVED, InstitutionStatus.SUSPENDED],
        )
        .select_related("institution")
        .order_by("institution__name")
    )


def user_is_institution_admin(*, user) -> bool:
    return memberships_for_user(user=user).filter(role=Role.ADMIN).exists()


def member_list_for_institution(*, institution: Institution) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(institution=institution)
        .select_related("user")
        .order_by("user__email")
    )


def invitation_list_for_institution(*, institution: Institution) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        institution=institution, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


def commission_contract_list(*, institution: Institution | None = None) -> QuerySet:
    qs = CommissionContract.objects.select_related("institution", "created_by")
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


def contracts_in_force(*, product_kind: str, on_date: dt.date) -> QuerySet[CommissionContract]:
    """Every institution's contract for ``product_kind`` in force on ``on_date``."""
    return CommissionContract.objects.filter(
        product_kind=product_kind, valid_from__lte=on_date
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date))


def commission_contract_in_force(
    *, institution: Institution, product_kind: str, on_date: dt.date
) -> CommissionContract | None:
    """The contract an order placed on ``on_date`` snapshots (None when there is none)."""
    return (
        contracts_in_force(product_kind=product_kind, on_date=on_date)
        .filter(institution=institution)
        .order_by("-valid_from")
        .first()
    )


def is_current_logo(*, name: str) -> bool:
    """Whether ``name`` is some institution's logo now (what the public logo URL may serve)."""
    return bool(name) and Institution.objects.filter(logo=name).exists()
