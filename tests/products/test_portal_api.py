"""The portal's product API: create, edit, submit, NAV rows and CSV, bad input."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.models import InstitutionType, Role
from products.models import NavPrice, Product, ProductRevision
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory

pytestmark = pytest.mark.django_db

FUND = {
    "kind": "fund",
    "fund_type": "bond",
    "name": "API Steady Bond",
    "code": "519777",
    "risk_level": "R2",
    "summary": "Bonds.",
    "min_purchase": "10.00",
    "terms": {"management_fee_rate": "0.006", "custody_fee_rate": "0.002"},
    "subscription_tiers": [
        {"lower": "0", "upper": "500000", "rate": "0.015"},
        {"lower": "500000", "upper": None, "fixed_fee": "1000"},
    ],
    "redemption_tiers": [
        {"lower": "0", "upper": "7", "rate": "0.015"},
        {"lower": "7", "upper": None, "rate": "0"},
    ],
}


@pytest.fixture
def editor_client(client):
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    editor = MembershipFactory(institution=institution, role=Role.EDITOR).user
    client.force_login(editor)
    client.institution = institution
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_editor_creates_submits_and_reads_a_fund(editor_client):
    response = post(editor_client, "/api/v1/portal/products/", FUND)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["risk_level"] == "R2"
    assert len(body["fee_tiers"]) == 4
    slug = body["slug"]
    assert editor_client.post(f"/api/v1/portal/products/{slug}/submit/").status_code == 200
    assert Product.objects.get(slug=slug).status == "in_review"
    listed = editor_client.get("/api/v1/portal/products/").json()["results"]
    assert [p["slug"] for p in listed] == [slug]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"risk_level": "R7"}, "risk_level"),
        ({"min_purchase": "1.001"}, "min_purchase"),
        ({"min_purchase": "-5"}, "min_purchase"),
        ({"min_purchase": "abc"}, "min_purchase"),
        ({"min_purchase": "1e400"}, "min_purchase"),
        ({"code": "12ab56"}, "code"),
        ({"name": "<img src=x>"}, "name"),
        ({"terms": {"management_fee_rate": "x"}}, "terms"),
        ({"terms": {"management_fee_rate": "0.5", "custody_fee_rate": "0"}}, "management_fee_rate"),
        (
            {"redemption_tiers": [{"lower": "0", "upper": None, "rate": "0.001"}]},
            "redemption_tiers",
        ),
        (
            {
                "kind": "savings",
                "fund_type": "",
                "code": None,
                "terms": {"term_months": 12, "annual_rate": "0.02", "early_withdrawal_rate": "0"},
            },
            "kind",
        ),
    ],
)
def test_bad_product_input_is_a_400_and_saves_nothing(editor_client, patch, field):
    response = post(editor_client, "/api/v1/portal/products/", {**FUND, **patch})
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Product.objects.exists()


def test_patching_risk_of_a_published_product_creates_a_revision(editor_client):
    product = ProductFactory(institution=editor_client.institution, risk_level=2)
    response = editor_client.patch(
        f"/api/v1/portal/products/{product.slug}/",
        {"risk_level": "R3", "summary": "Updated."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["risk_level"] == "R2"
    assert response.json()["summary"] == "Updated."
    assert response.json()["pending_revision"] == ProductRevision.objects.get().pk


def test_nav_rows_and_csv_are_reported(editor_client):
    product = ProductFactory(institution=editor_client.institution)
    url = f"/api/v1/portal/products/{product.slug}/nav/"
    response = post(
        editor_client,
        url,
        {"rows": [{"date": "2026-01-05", "nav": "1.0100"}, {"date": "2026-13-01", "nav": "1"}]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["added"], len(body["rejected"])) == (1, 1)
    assert body["rejected"][0]["line"] == 2
    csv = SimpleUploadedFile("nav.csv", b"date,nav\n2026-01-06,1.0200\n2026-01-07,-1\n")
    body = editor_client.post(url, {"file": csv}).json()
    assert (body["added"], len(body["rejected"])) == (1, 1)
    assert NavPrice.objects.filter(product=product).count() == 2
    assert editor_client.get(url).json()[-1] == {"date": "2026-01-06", "nav": "1.0200"}
    assert post(editor_client, url, {"rows": []}).status_code == 400
    assert post(editor_client, url, {"nope": 1}).status_code == 400


def test_analyst_cannot_write_through_the_api(client):
    product = ProductFactory()
    analyst = MembershipFactory(institution=product.institution, role=Role.ANALYST).user
    client.force_login(analyst)
    assert client.get(f"/api/v1/portal/products/{product.slug}/").status_code == 200
    response = client.post(
        f"/api/v1/portal/products/{product.slug}/nav/",
        {"rows": [{"date": "2026-01-05", "nav": "1.01"}]},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not NavPrice.objects.exists()
    assert Decimal(product.min_purchase) == Decimal("10.00")
