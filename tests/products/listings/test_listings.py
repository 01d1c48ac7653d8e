"""Creating listings: who may, which kinds, slugs, codes, and field errors that save nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from institutions.models import InstitutionStatus, InstitutionType, Role
from products import services
from products.fees import parse_tiers
from products.models import FeeTier, Product, ProductStatus
from tests.factories import SUBSCRIPTION_TIERS, InstitutionFactory, MembershipFactory

from .support import create_fund

pytestmark = pytest.mark.django_db


def test_editor_creates_a_draft_fund_with_its_fee_schedule(fund_company, editor):
    product = create_fund(fund_company, editor)
    assert product.status == ProductStatus.DRAFT
    assert product.fee_tiers.count() == 9
    assert product.headline_fee_rate == Decimal("0.015")
    assert product.fund_terms.management_fee_rate == Decimal("0.006")
    assert product.events.get().kind == "created"


def test_products_named_alike_or_without_ascii_letters_get_distinct_slugs(fund_company, editor):
    first = create_fund(fund_company, editor, name="稳健债券", code="519101")
    second = create_fund(fund_company, editor, name="稳健债券", code="519102")
    third = create_fund(fund_company, editor, code="519103")
    fourth = create_fund(fund_company, editor, code="519104")
    assert (first.slug, second.slug) == ("product", "product-2")
    assert (third.slug, fourth.slug) == ("harbour-steady-bond-a", "harbour-steady-bond-a-2")


def test_an_institution_lists_only_the_kinds_its_type_allows(fund_company, editor):
    with pytest.raises(ValidationError) as err:
        services.product_create(
            institution=fund_company,
            actor=editor,
            kind="savings",
            name="Sneaky Deposit",
            risk_level=1,
            summary="x",
            min_purchase=Decimal("100"),
            terms={"term_months": 12, "annual_rate": Decimal("0.02"), "early_withdrawal_rate": 0},
        )
    assert "kind" in err.value.message_dict
    assert not Product.objects.exists()


def test_analysts_read_but_cannot_create(fund_company):
    analyst = MembershipFactory(institution=fund_company, role=Role.ANALYST).user
    with pytest.raises(PermissionDenied):
        create_fund(fund_company, analyst)
    assert not Product.objects.exists()


def test_a_suspended_institution_cannot_change_listings(editor, fund_company):
    fund_company.status = InstitutionStatus.SUSPENDED
    fund_company.save()
    with pytest.raises(PermissionDenied):
        create_fund(fund_company, editor)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "12345"}, "code"),
        ({"code": None}, "code"),
        ({"fund_type": ""}, "fund_type"),
        ({"risk_level": 6}, "risk_level"),
        ({"min_purchase": Decimal("-1")}, "min_purchase"),
        ({"name": "<script>x</script>"}, "name"),
        ({"name": "n" * 5000}, "name"),
        (
            {"fee_tiers": {"subscription": parse_tiers("0 - 100 : 1%"), "redemption": []}},
            "subscription_tiers",
        ),
        (
            {
                "fee_tiers": {
                    "subscription": parse_tiers(SUBSCRIPTION_TIERS),
                    "redemption": parse_tiers("0 - : 0.5%"),
                }
            },
            "redemption_tiers",
        ),
        (
            {"terms": {"management_fee_rate": Decimal("0.2"), "custody_fee_rate": 0}},
            "management_fee_rate",
        ),
    ],
)
def test_bad_listings_are_field_errors_and_save_nothing(fund_company, editor, overrides, field):
    with pytest.raises(ValidationError) as err:
        create_fund(fund_company, editor, **overrides)
    assert field in err.value.message_dict, err.value.message_dict
    assert not Product.objects.exists()
    assert not FeeTier.objects.exists()


def test_a_fund_code_is_listed_once(fund_company, editor):
    create_fund(fund_company, editor)
    with pytest.raises(ValidationError) as err:
        create_fund(fund_company, editor, name="Copy")
    assert err.value.message_dict == {"code": [services.FUND_CODE_TAKEN.format(code="519001")]}


def test_insurance_cooling_off_and_cancellation_fee_limits():
    insurer = InstitutionFactory(type=InstitutionType.INSURER)
    editor = MembershipFactory(institution=insurer, role=Role.EDITOR).user
    base = {
        "kind": "insurance",
        "name": "Young Family Term Life",
        "risk_level": 1,
        "summary": "Term life cover.",
        "min_purchase": Decimal("0"),
    }
    terms = {
        "premium": Decimal("1200"),
        "coverage_amount": Decimal("500000"),
        "term_months": 12,
        "cooling_off_days": 10,
        "cancellation_fee": Decimal("12"),
    }
    with pytest.raises(ValidationError) as err:
        services.product_create(institution=insurer, actor=editor, terms=terms, **base)
    assert {"cooling_off_days", "cancellation_fee"} <= set(err.value.message_dict)
    terms.update(cooling_off_days=15, cancellation_fee=Decimal("10"))
    product = services.product_create(institution=insurer, actor=editor, terms=terms, **base)
    assert product.insurance_terms.cooling_off_days == 15
