"""A valid fund listing, and creating one through the service."""

from decimal import Decimal

from products import services
from products.fees import parse_tiers
from tests.factories import REDEMPTION_TIERS, SUBSCRIPTION_TIERS


def fund_kwargs(**overrides):
    values = {
        "kind": "fund",
        "fund_type": "bond",
        "name": "Harbour Steady Bond A",
        "code": "519001",
        "risk_level": 2,
        "summary": "Government and high-grade corporate bonds.",
        "description": "Aims for steady income with low volatility.",
        "min_purchase": Decimal("10.00"),
        "terms": {"management_fee_rate": Decimal("0.006"), "custody_fee_rate": Decimal("0.002")},
        "fee_tiers": {
            "subscription": parse_tiers(SUBSCRIPTION_TIERS),
            "redemption": parse_tiers(REDEMPTION_TIERS),
        },
    }
    values.update(overrides)
    return values


def create_fund(institution, actor, **overrides):
    return services.product_create(institution=institution, actor=actor, **fund_kwargs(**overrides))
