"""The portal's report form and template, and tenant isolation."""

from decimal import Decimal

import pytest

from institutions.models import Role
from products.models import FundReport
from products.services import report_csv as csvsvc
from products.services import reports as svc
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory

from .support import data, form_post

pytestmark = pytest.mark.django_db


def test_portal_form_saves_and_submits(fund, editor, client):
    client.force_login(editor)
    assert client.get(f"/portal/products/{fund.slug}/report/").status_code == 200
    response = client.post(f"/portal/products/{fund.slug}/report/", form_post(submit="1"))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = FundReport.objects.get()
    assert report.status == "submitted"
    assert report.benchmark_return_1y == Decimal("-0.031")
    assert report.fund_size == Decimal("1200000000.00")


def test_portal_form_with_a_bad_allocation_shows_the_error_and_saves_nothing(fund, editor, client):
    client.force_login(editor)
    response = client.post(
        f"/portal/products/{fund.slug}/report/", form_post(**{"allocation-cash": "5"})
    )
    assert response.status_code == 400
    assert "95.00%" in response.content.decode()
    assert not FundReport.objects.exists()


def test_portal_template_download_is_a_csv_the_upload_reads(fund, editor, client):
    client.force_login(editor)
    response = client.get(f"/portal/products/{fund.slug}/report/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert csvsvc.parse_report_csv(response.content).holdings


def test_another_institutions_report_is_a_404(fund, editor, client, staff):
    other = ProductFactory(institution=InstitutionFactory())
    other_editor = MembershipFactory(institution=other.institution, role=Role.EDITOR).user
    report = svc.fund_report_save(product=other, actor=other_editor, data=data())
    client.force_login(editor)
    for url in (
        f"/portal/products/{other.slug}/report/",
        f"/portal/products/{other.slug}/report/template.csv",
        f"/api/v1/portal/products/{other.slug}/reports/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/portal/products/{other.slug}/report/{report.pk}/submit/",
        f"/portal/products/{fund.slug}/report/{report.pk}/submit/",
        f"/api/v1/portal/products/{other.slug}/reports/{report.pk}/submit/",
        f"/api/v1/portal/products/{fund.slug}/reports/{report.pk}/submit/",
    ):
        assert client.post(url).status_code == 404, url
    assert FundReport.objects.get().status == "draft"


def test_the_form_starts_from_the_last_report_and_an_emptied_row_is_removed(fund, editor, client):
    holdings = [
        svc.HoldingRow("A Corp", "1", Decimal(3)),
        svc.HoldingRow("B Corp", "2", Decimal(2)),
    ]
    svc.fund_report_save(product=fund, actor=editor, data=data(holdings=holdings))
    client.force_login(editor)
    html = client.get(f"/portal/products/{fund.slug}/report/").content.decode()
    assert 'value="A Corp"' in html
    assert 'value="B Corp"' in html
    body = form_post(
        **{
            "holdings-0-name": "A Corp",
            "holdings-0-code": "1",
            "holdings-0-percent_of_nav": "3",
            "holdings-1-name": "",
            "holdings-1-code": "",
            "holdings-1-percent_of_nav": "",
        }
    )
    assert client.post(f"/portal/products/{fund.slug}/report/", body).status_code == 302
    assert [h.name for h in FundReport.objects.get().holdings.all()] == ["A Corp"]
