"""What the batch benchmarks (``end_of_day.py``, ``commission.py``) fill their databases with:
one approved fund company, its funds (typical fee schedule, a NAV per given day) and investors
added with COPY. Call after ``django.setup()``; a rerun reuses what is there."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import NamedTuple

TYPICAL_SUBSCRIPTION = (
    "0 - 500000 : 1.5%\n500000 - 1000000 : 1%\n1000000 - 5000000 : 0.5%\n5000000 - : fixed 1000"
)


def bench_institution(
    slug: str = "bench-funds", name: str = "Bench Funds", licence: str = "BENCH-1"
):
    from institutions.models import Institution, InstitutionStatus, InstitutionType

    institution, _ = Institution.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "type": InstitutionType.FUND_COMPANY,
            "status": InstitutionStatus.APPROVED,
            "licence_number": licence,
        },
    )
    return institution


def bench_funds(
    institution,
    count: int,
    *,
    days: list[dt.date],
    rng: random.Random,
    code_prefix: str = "8",
    risk_levels: tuple[int, ...] = (2,),
) -> list:
    """``count`` bond funds with the typical subscription schedule, a management fee of 0.6%,
    1.2% or 1.5%, and a NAV on each of ``days`` (a random walk of at most ±1% a day from a
    random start). Fund ``n`` gets the code ``code_prefix`` + ``n`` (6 digits) and risk level
    ``risk_levels[n % len(risk_levels)]``."""
    from products.fees import parse_tiers
    from products.models import FeeTier, FundTerms, FundType, NavPrice, Product, ProductStatus

    products = list(Product.objects.filter(institution=institution).order_by("pk"))
    for n in range(len(products), count):
        product = Product.objects.create(
            institution=institution,
            kind="fund",
            fund_type=FundType.BOND,
            name=f"{institution.name.removesuffix(' Funds')} Bond {n}",
            slug=f"{institution.slug}-bond-{n}",
            code=f"{code_prefix}{n:0{6 - len(code_prefix)}d}",
            risk_level=risk_levels[n % len(risk_levels)],
            summary="Benchmark fund.",
            min_purchase=Decimal(10),
            status=ProductStatus.PUBLISHED,
        )
        FundTerms.objects.create(
            product=product,
            management_fee_rate=Decimal(rng.choice(["0.006", "0.012", "0.015"])),
            custody_fee_rate=0,
        )
        FeeTier.objects.bulk_create(
            FeeTier(
                product=product,
                schedule="subscription",
                lower=t.lower,
                upper=t.upper,
                rate=t.rate,
                fixed_fee=t.fixed_fee,
            )
            for t in parse_tiers(TYPICAL_SUBSCRIPTION)
        )
        nav, navs = rng.randint(8000, 30000), []
        for day in sorted(days):
            nav = max(1000, nav + rng.randint(-nav // 100, nav // 100))
            navs.append(NavPrice(product=product, date=day, nav=Decimal(nav) / 10000))
        NavPrice.objects.bulk_create(navs, batch_size=5000)
        products.append(product)
    return products[:count]


class InvestorRow(NamedTuple):
    """A benchmark investor (``User`` fields): no usable password."""

    password: str
    is_superuser: bool
    email: str
    is_staff: bool
    is_active: bool
    date_joined: dt.datetime
    language: str  # "" : not chosen, the browser's language applies


def bench_investors(count: int) -> list[int]:
    """The ids of ``count`` investors (``bench-N@bench.example``), created with COPY if new."""
    from django.db import transaction
    from django.utils import timezone

    from marketplace.bulk import bulk_insert
    from profiles.models import User

    investors = User.objects.filter(email__startswith="bench-", is_staff=False)
    have, now = investors.count(), timezone.now()
    with transaction.atomic():
        bulk_insert(
            User,
            [
                InvestorRow(
                    password="!",
                    is_superuser=False,
                    email=f"bench-{i}@bench.example",
                    is_staff=False,
                    is_active=True,
                    date_joined=now,
                    language="",
                )
                for i in range(have, count)
            ],
        )
    return list(investors.order_by("pk").values_list("pk", flat=True)[:count])
