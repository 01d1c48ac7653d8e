"""Reads of questions and complaints: the investor's own, an institution's (tenant-scoped),
and what platform staff watch (late or escalated), with response times per institution."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any, NamedTuple

import django_filters
from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.aggregates import Aggregate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution

from .models import RequestKind, RequestMessage, RequestStatus, ServiceRequest

RESPONSE_WINDOW_DAYS = 30


def late_q(now: dt.datetime | None = None) -> Q:
    """Waiting for a first response past its due time (closed ones no longer wait)."""
    return (
        Q(first_response_at__isnull=True)
        & ~Q(status=RequestStatus.CLOSED)
        & Q(first_response_due__lt=now or timezone.now())
    )


def escalated_q() -> Q:
    return Q(escalated_at__isnull=False) & ~Q(status=RequestStatus.CLOSED)


def _listed(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return requests.select_related("institution", "product", "order", "holding").annotate(
        message_count=Count("messages")
    )


def requests_for_investor(*, investor) -> QuerySet[ServiceRequest]:
    return _listed(ServiceRequest.objects.filter(investor=investor)).order_by(
        "-last_activity_at", "-id"
    )


def request_for_investor(*, investor, pk: int) -> ServiceRequest:
    """One of the investor's requests; raises ServiceRequest.DoesNotExist for any other."""
    return ServiceRequest.objects.select_related("institution", "product", "order", "holding").get(
        pk=pk, investor=investor
    )


def requests_for_institution(*, institution: Institution) -> QuerySet[ServiceRequest]:
    """Every request to ``institution`` (and no other's), most recently active first."""
    return _listed(ServiceRequest.objects.filter(institution=institution)).order_by(
        "-last_activity_at", "-id"
    )


def requests_for_staff() -> QuerySet[ServiceRequest]:
    """Across institutions: late (no first response by the due time) or escalated, oldest
    due first."""
    return _listed(ServiceRequest.objects.filter(late_q() | escalated_q())).order_by(
        "first_response_due", "id"
    )


def conversation(*, request: ServiceRequest) -> QuerySet[RequestMessage]:
    return request.messages.select_related("author").order_by("created_at", "id")


def message_with_attachment(*, requests: QuerySet[ServiceRequest], pk: int, message_pk: int):
    """A message with an attachment of one of ``requests`` (already scoped to who asks);
    raises RequestMessage.DoesNotExist otherwise."""
    return (
        RequestMessage.objects.filter(request__in=requests.values("pk"))
        .exclude(attachment="")
        .get(pk=message_pk, request_id=pk)
    )


class RequestFilter(django_filters.FilterSet):
    """The portal's filters (HTML page and API): ``status``, ``kind``, ``late``. A value that
    is not one of the choices is an error, never silently ignored."""

    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("Kind"))
    late = django_filters.ChoiceFilter(
        choices=[("true", _("Late")), ("false", _("Not late"))],
        method="filter_late",
        label=_("Late: no first response by the due time"),
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def filter_late(self, queryset, name, value):
        if value == "true":
            return queryset.filter(late_q())
        return queryset.exclude(late_q()) if value == "false" else queryset


# --- staff overview --------------------------------------------------------------------------


class InstitutionServiceFigures(NamedTuple):
    institution_id: int
    name: str
    open: int
    late: int
    escalated: int
    answered_30d: int
    median_first_response_hours: float | None


class _Median(Aggregate):
    """PostgreSQL's median (``percentile_cont(0.5)``) of an interval."""

    function = "percentile_cont"
    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def service_figures_by_institution(*, now: dt.datetime | None = None) -> list[Any]:
    """Per institution with any request: open, late and escalated now, and the median hours
    to a first response over requests opened in the last 30 days. Two set-based queries,
    whatever the number of institutions."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=RESPONSE_WINDOW_DAYS)
    counts = (
        ServiceRequest.objects.values("institution_id", "institution__name")
        .annotate(
            open=Count("pk", filter=~Q(status=RequestStatus.CLOSED)),
            late=Count("pk", filter=late_q(now)),
            escalated=Count("pk", filter=escalated_q()),
            answered_30d=Count(
                "pk", filter=Q(created_at__gte=since, first_response_at__isnull=False)
            ),
        )
        .order_by("institution__name", "institution_id")
    )
    responded = ServiceRequest.objects.filter(
        created_at__gte=since, first_response_at__isnull=False
    )
    wait = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    medians: dict[int, float] = {}  # seconds
    if connection.vendor == "postgresql":
        rows = responded.values("institution_id").annotate(median=_Median(wait)).order_by()
        medians = {row["institution_id"]: row["median"].total_seconds() for row in rows}
    else:  # the embedded SQLite default has no percentile_cont: one query, median in Python
        waits: dict[int, list[float]] = {}
        for institution_id, created, answered in responded.values_list(
            "institution_id", "created_at", "first_response_at"
        ):
            if answered is not None:
                waits.setdefault(institution_id, []).append((answered - created).total_seconds())
        medians = {k: statistics.median(v) for k, v in waits.items()}
    return [
        InstitutionServiceFigures(
            institution_id=row["institution_id"],
            name=row["institution__name"],
            open=row["open"],
            late=row["late"],
            escalated=row["escalated"],
            answered_30d=row["answered_30d"],
            median_first_response_hours=_hours(medians.get(row["institution_id"])),
        )
        for row in counts
    ]
