"""Customers and audience: who an institution's customers are, what they consented to share,
the audience crossed by two dimensions, and the purchases refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from profiles.models import AgeCohort, City, IncomeBand, InvestorProfile, RiskCategory

from ..audience import Table, suppress
from ..models import Order, PurchaseRefusal

# The dimensions an institution may cross, two at a time.
DIMENSIONS: dict[str, tuple[str, list[tuple]]] = {
    "risk_level": ("Risk level", [(v, f"C{v}") for v in RiskCategory.values]),
    "age_cohort": ("Age cohort", AgeCohort.choices),
    "city": ("City", City.choices),
    "income_band": ("Income", IncomeBand.choices),
}
NOT_GIVEN = "__none__"
DIMENSION_UNKNOWN = _("Choose two different dimensions among: {names}.")


def customer_ids_for(*, institution: Institution) -> QuerySet:
    """Investors who ordered (and so may hold) the institution's products."""
    return Order.objects.filter(institution=institution).values("user").distinct()


def customer_list_for_institution(*, institution: Institution) -> QuerySet[InvestorProfile]:
    """The institution's own customers who consented to share their profile (never their
    questionnaire answers), with how many orders and how much they placed with it."""
    return (
        consenting_profiles()
        .filter(user__in=customer_ids_for(institution=institution))
        .select_related("user")
        .annotate(
            orders_count=Count("user__orders", filter=Q(user__orders__institution=institution)),
            orders_amount=Sum(
                "user__orders__amount",
                filter=Q(user__orders__institution=institution, user__orders__side="buy"),
            ),
        )
        .order_by("-orders_amount", "user_id")
    )


def consenting_profiles() -> QuerySet[InvestorProfile]:
    """Investors who agreed to share their profile with institutions (and still exist)."""
    return InvestorProfile.objects.filter(
        share_profile_with_institutions=True,
        user__is_active=True,
        anonymised_at__isnull=True,
    )


@dataclass(frozen=True)
class AudienceReport:
    rows_dimension: str
    cols_dimension: str
    rows: list[tuple[str, str]]  # (value, label)
    cols: list[tuple[str, str]]
    customers: Table
    others: Table


def _table(queryset, rows_dim: str, cols_dim: str, rows, cols) -> Table:
    counts: dict[tuple[str, str], int] = {}
    for row in queryset.values(rows_dim, cols_dim).annotate(n=Count("pk")).order_by():
        key = (str(row[rows_dim] or NOT_GIVEN), str(row[cols_dim] or NOT_GIVEN))
        counts[key] = counts.get(key, 0) + row["n"]
    return suppress(counts, [str(v) for v, _ in rows], [str(v) for v, _ in cols])


def audience_report(*, institution: Institution, rows_dim: str, cols_dim: str) -> AudienceReport:
    """Consenting investors crossed by two dimensions, split into the institution's own
    customers and everyone else; every cell under 20 people is suppressed."""
    if rows_dim not in DIMENSIONS or cols_dim not in DIMENSIONS or rows_dim == cols_dim:
        names = ", ".join(label.lower() for label, _ in DIMENSIONS.values())
        raise ValueError(DIMENSION_UNKNOWN.format(names=names))
    rows = [*DIMENSIONS[rows_dim][1], (NOT_GIVEN, "Not given")]
    cols = [*DIMENSIONS[cols_dim][1], (NOT_GIVEN, "Not given")]
    customers = customer_ids_for(institution=institution)
    population = consenting_profiles()
    return AudienceReport(
        rows_dimension=rows_dim,
        cols_dimension=cols_dim,
        rows=[(str(v), str(label)) for v, label in rows],
        cols=[(str(v), str(label)) for v, label in cols],
        customers=_table(population.filter(user__in=customers), rows_dim, cols_dim, rows, cols),
        others=_table(population.exclude(user__in=customers), rows_dim, cols_dim, rows, cols),
    )


def refusals_for_institution(*, institution: Institution) -> list[PurchaseRefusal]:
    """Investors who could not buy the institution's products and why; the investor is named
    only when they are a customer who consented to share their profile."""
    shared_name = (
        consenting_profiles()
        .filter(user=OuterRef("user"), user__in=customer_ids_for(institution=institution))
        .values("full_name")[:1]
    )
    return list(
        PurchaseRefusal.objects.filter(institution=institution)
        .select_related("product")
        .annotate(customer_name=Subquery(shared_name))[:200]
    )
