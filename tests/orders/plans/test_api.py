"""The plan API: list, create, get, patch, pause/resume/stop; another investor's plan is a
404; bad input is a 400 on its field with nothing saved; the schema says exactly this."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from orders.plans.models import InvestmentPlan, PlanStatus
from tests.factories import PIN_HEADER, ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(investor):
    client = APIClient()
    client.force_authenticate(investor)
    client.credentials(**PIN_HEADER)  # creating a plan asks the trade PIN
    return client


def body(fund, **fields):
    data = {
        "product": fund.slug,
        "amount": "500.00",
        "frequency": "monthly",
        "day": 8,
        "start_date": "2026-11-24",
    }
    data.update(fields)
    return data


def test_create_list_get_patch_and_actions(api, clock, fund):
    created = api.post("/api/v1/me/plans/", body(fund, max_purchases=6), format="json")
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["status"] == "active"
    assert plan["next_purchase_date"] == "2026-12-08"
    assert plan["amount"] == "500.00"
    assert plan["figures"]["invested"] == "0.00"
    assert plan["purchases"] == []

    listed = api.get("/api/v1/me/plans/").json()
    assert [p["id"] for p in listed["results"]] == [plan["id"]]
    assert listed["results"][0]["next_purchase_date"] == "2026-12-08"

    url = f"/api/v1/me/plans/{plan['id']}/"
    changed = api.patch(url, {"amount": "800.00", "day": 10}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["amount"], changed.json()["day"]) == ("800.00", 10)
    assert changed.json()["next_purchase_date"] == "2026-12-10"

    assert api.post(url + "pause/").json()["status"] == "paused"
    assert api.post(url + "pause/").status_code == 400  # already paused
    assert api.post(url + "resume/").json()["status"] == "active"
    assert api.post(url + "stop/").json()["status"] == "stopped"
    refused = api.post(url + "resume/")
    assert refused.status_code == 400
    assert "non_field_errors" in refused.json()


def test_the_same_idempotency_key_creates_one_plan(api, clock, fund):
    first = api.post("/api/v1/me/plans/", body(fund), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/me/plans/", body(fund), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert InvestmentPlan.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": 100}, "amount"),  # a number, not a decimal string
        ({"amount": "12.345"}, "amount"),
        ({"amount": "50.00"}, "amount"),  # below the minimum
        ({"amount": "9" * 40}, "amount"),
        ({"frequency": "daily"}, "frequency"),
        ({"day": 29}, "day"),
        ({"frequency": "weekly", "day": 6}, "day"),  # Saturday
        ({"day": "x"}, "day"),
        ({"start_date": "2026-11-23"}, "start_date"),
        ({"start_date": "2030-01-01"}, "start_date"),
        ({"start_date": "<script>"}, "start_date"),
        ({"end_date": "2026-11-01"}, "end_date"),
        ({"end_date": "2027-01-01", "max_purchases": 3}, "end_date"),
        ({"max_purchases": 0}, "max_purchases"),
        ({"product": "no-such-fund"}, "product"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_saves_nothing(api, clock, fund, fields, field):
    response = api.post("/api/v1/me/plans/", body(fund, **fields), format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not InvestmentPlan.objects.exists()


def test_savings_and_funds_above_the_investors_level_get_no_plan(api, clock):
    savings = ProductFactory(kind="savings", risk_level=1)
    r5 = ProductFactory(risk_level=5)
    assert "product" in api.post("/api/v1/me/plans/", body(savings), format="json").json()
    assert "product" in api.post("/api/v1/me/plans/", body(r5), format="json").json()
    assert not InvestmentPlan.objects.exists()


def test_another_investors_plan_is_a_404(clock, make_plan):
    plan = make_plan()
    other = APIClient()
    other.force_authenticate(investor_with_cash())
    url = f"/api/v1/me/plans/{plan.pk}/"
    assert other.get(url).status_code == 404
    assert other.patch(url, {"amount": "900.00"}, format="json").status_code == 404
    for action in ("pause/", "resume/", "stop/"):
        assert other.post(url + action).status_code == 404
    assert other.get("/api/v1/me/plans/").json()["count"] == 0
    plan.refresh_from_db()
    assert (plan.status, plan.amount) == (PlanStatus.ACTIVE, Decimal("1000.00"))


def test_signed_out_is_a_401(db):
    assert APIClient().get("/api/v1/me/plans/").status_code in (401, 403)


def test_the_schema_states_the_plan_operations_exactly(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    create = schema["paths"]["/api/v1/me/plans/"]["post"]
    assert set(create["responses"]) >= {"201", "200", "400", "401", "403", "423"}
    assert [p["name"] for p in create["parameters"]] == ["Idempotency-Key", "X-Trade-PIN"]
    request = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    shape = components[request.rsplit("/", 1)[1]]
    assert set(shape["required"]) == {"product", "amount", "frequency", "day", "start_date"}
    assert components["PlanFrequencyEnum"]["enum"] == ["weekly", "fortnightly", "monthly"]
    assert components["PlanStatusEnum"]["enum"] == ["active", "paused", "stopped", "finished"]
    assert components["PlanPurchaseStatusEnum"]["enum"] == ["claimed", "placed", "skipped"]
    assert (shape["properties"]["day"]["minimum"], shape["properties"]["day"]["maximum"]) == (1, 28)
    for action in ("pause", "resume", "stop"):
        operation = schema["paths"][f"/api/v1/me/plans/{{id}}/{action}/"]["post"]
        assert "requestBody" not in operation
        assert set(operation["responses"]) >= {"200", "400", "401", "404"}
    patch = schema["paths"]["/api/v1/me/plans/{id}/"]["patch"]
    assert set(patch["responses"]) >= {"200", "400", "404"}


def test_creating_a_plan_asks_the_trade_pin_and_a_wrong_one_creates_nothing(investor, clock, fund):
    client = APIClient()
    client.force_authenticate(investor)
    missing = client.post("/api/v1/me/plans/", body(fund), format="json")
    assert missing.status_code == 400
    assert missing.json()["code"] == "trade_pin_required"
    wrong = client.post("/api/v1/me/plans/", body(fund), format="json", HTTP_X_TRADE_PIN="135790")
    assert wrong.status_code == 403
    assert wrong.json()["attempts_left"] == 4
    assert not InvestmentPlan.objects.exists()
