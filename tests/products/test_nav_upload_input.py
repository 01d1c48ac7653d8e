"""Bad NAV files are a 400 with the reason, never a 500; one size limit for form and API."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.models import InstitutionType, Role
from products import services
from products.models import NavPrice
from products.services import nav as nav_services
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    client.force_login(MembershipFactory(institution=institution, role=Role.EDITOR).user)
    client.product = ProductFactory(institution=institution)
    return client


def huge_field_csv() -> bytes:
    return b"date,nav\n2026-01-05,1.0100\n2026-01-06," + b"9" * 200_000 + b"\n"


def test_a_nav_csv_with_a_huge_field_is_refused_with_its_line():
    with pytest.raises(ValidationError) as err:
        services.parse_nav_csv(huge_field_csv())
    error = err.value.error_dict["file"][0]
    assert error.code == "csv_bad_line"
    assert "Line 3" in error.message


def test_a_nav_csv_with_a_huge_field_is_a_400_on_the_api_and_the_form(editor_client):
    slug = editor_client.product.slug
    api = editor_client.post(
        f"/api/v1/portal/products/{slug}/nav/",
        {"file": SimpleUploadedFile("nav.csv", huge_field_csv())},
    )
    assert api.status_code == 400
    assert "file" in api.json()
    page = editor_client.post(
        f"/portal/products/{slug}/nav/",
        {"file": SimpleUploadedFile("nav.csv", huge_field_csv())},
    )
    assert page.status_code == 400
    assert not NavPrice.objects.exists()


def test_the_api_refuses_a_nav_file_over_the_forms_size_limit(editor_client, monkeypatch):
    monkeypatch.setattr(nav_services, "MAX_NAV_UPLOAD_MB", 1)
    slug = editor_client.product.slug
    rows = b"date,nav\n" + b"2026-01-05,1.0100\n" * 70_000  # about 1.2 MB
    api = editor_client.post(
        f"/api/v1/portal/products/{slug}/nav/", {"file": SimpleUploadedFile("nav.csv", rows)}
    )
    assert api.status_code == 400
    assert api.json()["file"] == [services.NAV_FILE_TOO_BIG.format(limit=1)]
    page = editor_client.post(
        f"/portal/products/{slug}/nav/", {"file": SimpleUploadedFile("nav.csv", rows)}
    )
    assert page.status_code == 400
    assert page.context["form"].has_error("file", code="file_too_big")
    assert not NavPrice.objects.exists()
