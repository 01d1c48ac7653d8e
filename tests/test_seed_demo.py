"""``seed_demo`` is idempotent and gives every role something to log in to."""

import pytest
from django.core.management import call_command

from institutions.models import Institution, InstitutionStatus, Membership
from products.models import Article, NavPrice, Product, ProductStatus
from profiles.models import User

pytestmark = pytest.mark.django_db


def counts():
    return {
        "users": User.objects.count(),
        "institutions": Institution.objects.count(),
        "memberships": Membership.objects.count(),
        "products": Product.objects.count(),
        "nav": NavPrice.objects.count(),
        "articles": Article.objects.count(),
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
    assert User.objects.get(email="staff@fortune.example").is_staff
