"""The portal API's reports: save, list, submit, CSV upload, and errors with their codes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from products.models import FundReport

from .support import API_BODY, GOOD_CSV

pytestmark = pytest.mark.django_db


def test_api_saves_lists_and_submits(fund, editor, client):
    client.force_login(editor)
    url = f"/api/v1/portal/products/{fund.slug}/reports/"
    response = client.post(url, API_BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["allocation"]["stocks"] == "85.20"
    assert body["benchmark_return_1y_percent"] == "12.40"
    submitted = client.post(f"{url}{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [r["id"] for r in client.get(url).json()] == [body["id"]]


def test_api_bad_allocation_is_a_400_with_its_code(fund, editor, client):
    client.force_login(editor)
    body = {**API_BODY, "allocation": {"stocks": "50", "bonds": "5", "cash": "5", "other": "0"}}
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "allocation" in response.json()
    assert not FundReport.objects.exists()


def test_api_csv_upload(fund, editor, client):
    client.force_login(editor)
    upload = SimpleUploadedFile("r.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", {"file": upload, "submit": "true"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert len(response.json()["holdings"]) == 2


def test_api_names_the_benchmark_field_as_it_spells_it(fund, editor, client):
    client.force_login(editor)
    body = {**API_BODY, "benchmark_return_1y_percent": "1200"}
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["benchmark_return_1y_percent"]
