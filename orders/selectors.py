"""Reads that need orders together with profiles, products and institutions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from institutions.models import Institution
from profiles.models import AgeCohort, City, IncomeBand, InvestorProfile, RiskCategory, User

from .audience import Table, suppress

# The dimensions an institution may cross, two at a time.
DIMENSIONS: dict[str, tuple[str, list[tuple]]] = {
    "risk_level": ("Risk level", [(v, f"C{v}") for v in RiskCategory.values]),
    "age_cohort": ("Age cohort", AgeCohort.choices),
    "city": ("City", City.choices),
    "income_band": ("Income", IncomeBand.choices),
}
NOT_GIVEN = "__none__"
DIMENSION_UNKNOWN = "Choose two different dimensions among: {names}."


def customer_ids_for(*, institution: Institution) -> QuerySet:
    """Investors who hold or ordered the institution's products.

    Orders arrive with issue 5; until then no investor is anyone's customer.
    """
    return User.objects.none().values("pk")


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
    counts = {}
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
