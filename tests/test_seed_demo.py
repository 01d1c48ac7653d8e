"""``seed_demo`` is idempotent and gives every role something to log in to."""

import pytest
from django.core.management import call_command

from institutions.models import Institution, InstitutionStatus, Membership
from orders.models import Lot
from products.models import Article, DailyYield, FundReport, NavPrice, Product, ProductStatus
from profiles.models import User

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": User.objects.count(),
        "institutions": Institution.objects.count(),
        "memberships": Membership.objects.count(),
        "products": Product.objects.count(),
        "nav": NavPrice.objects.count(),
        "yields": DailyYield.objects.count(),
        "articles": Article.objects.count(),
        "reports": FundReport.objects.count(),
    }


def test_seed_demo_twice_creates_everything_once(capsys):
    call_command("seed_demo")
    first = counts()
    out = capsys.readouterr().out
    assert "staff@fortune.example" in out
    assert "fortune-demo-2026" in out
    call_command("seed_demo")
    assert counts() == first
    assert Institution.objects.filter(status=InstitutionStatus.APPROVED).count() == 4
    assert Institution.objects.filter(status=InstitutionStatus.APPLIED).count() == 1
    published = Product.objects.filter(status=ProductStatus.PUBLISHED)
    assert published.filter(kind="fund").count() >= 30
    assert published.filter(kind="insurance").count() >= 5
    assert published.filter(kind="savings").count() >= 5
    assert first["nav"] > 30 * 400
    # Every published demo fund shows an approved periodic report, its figures on the product.
    funds = published.filter(kind="fund")
    assert FundReport.objects.filter(is_current=True, product__in=funds).count() == funds.count()
    assert not funds.filter(fund_size__isnull=True).exists()
    for fund in published.filter(fund_type="money_market"):  # two years of every calendar day
        series = DailyYield.objects.filter(product=fund)
        assert series.count() >= 2 * 365
        assert all(0.013 <= y.seven_day_yield <= 0.020 for y in series)
        assert all(0.35 <= y.income_per_10k <= 0.55 for y in series)
    assert (
        Lot.objects.filter(source="income", holding__user__email="investor@fortune.example").count()
        >= 25
    )  # about a month of daily income on the demo money-market fund
    assert User.objects.get(email="staff@fortune.example").is_staff


def test_the_demo_has_an_elderly_investor_a_newcomer_and_an_identity_in_review(client):
    from orders.models import CashAccount
    from products.selectors import catalogue_queryset
    from profiles.identity.models import Identity, IdentityStatus

    call_command("seed_demo")
    senior = User.objects.get(email="senior@fortune.example")
    assert senior.identity.status == IdentityStatus.VERIFIED
    assessment = senior.risk_assessments.latest("taken_at")
    assert assessment.score >= 54  # her answers score C4 ...
    assert senior.profile.risk_level == 3  # ... and the 65+ rule capped her at C3
    assert CashAccount.objects.get(user=senior).balance > 0
    client.force_login(senior)
    fund = catalogue_queryset().filter(kind="fund", risk_level__lte=3).first()
    assert "data-elderly-warning" in client.get(f"/products/{fund.slug}/buy/").content.decode()

    newcomer = User.objects.get(email="newcomer@fortune.example")
    assert not Identity.objects.filter(user=newcomer).exists()
    in_review = Identity.objects.get(user__email="review@fortune.example")
    assert in_review.status == IdentityStatus.REVIEW
