"""Limits that stop abuse: seed_demo never runs in production, uploaded documents never keep
the uploader's file name as a path, and per-user throttles on the API calls that move money."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from orders.management.commands.seed_demo import REFUSED_IN_PRODUCTION
from products import services as product_services
from profiles.models import User
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    investor_with_cash,
)
from tests.test_production_settings import production

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_under_production_settings(settings):
    assert production("DEMO_DATA_ALLOWED") == {"DEMO_DATA_ALLOWED": False}
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError) as err:
        call_command("seed_demo")
    assert str(err.value) == REFUSED_IN_PRODUCTION
    assert not User.objects.exists()


def test_uploaded_documents_are_stored_under_random_names_keeping_the_original_as_data():
    institution = InstitutionFactory()
    editor = MembershipFactory(institution=institution).user
    product = ProductFactory(institution=institution)
    name = "../../etc/Prospectus 2026 <final>.pdf"
    document = product_services.document_add(
        product=product,
        actor=editor,
        kind="prospectus",
        title="Prospectus",
        file=SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf"),
    )
    stored = document.file.name
    assert stored.startswith("documents/")
    assert "Prospectus" not in stored
    assert ".." not in stored
    assert len(stored.rsplit("/", 1)[1]) == len("0123456789abcdef0123456789abcdef.pdf")
    assert document.original_name == "Prospectus 2026 <final>.pdf"
    again = product_services.document_add(
        product=product,
        actor=editor,
        kind="fact_sheet",
        title="Key facts",
        file=SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf"),
    )
    assert again.file.name != stored


def _post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", **headers)


@pytest.mark.parametrize(
    ("scope", "url", "data"),
    [
        ("deposits", "/api/v1/me/cash/deposits/", {"amount": "1", "card": 1}),
        ("withdrawals", "/api/v1/me/cash/withdrawals/", {"amount": "1", "card": 1}),
        ("card_binds", "/api/v1/me/cards/", {"card_number": "6222020000000015"}),
        ("orders", "/api/v1/orders/", {"product": "nope", "side": "buy", "amount": "10"}),
    ],
)
def test_money_moving_api_calls_are_throttled_per_user_with_retry_after(
    client, settings, scope, url, data
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            scope: "3/minute",
        },
    }
    client.force_login(investor_with_cash(cash="100"))
    for n in range(3):
        response = _post(client, url, data, HTTP_IDEMPOTENCY_KEY=f"k{n}")
        assert response.status_code != 429
    limited = _post(client, url, data, HTTP_IDEMPOTENCY_KEY="k9")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # Reads are not limited, and another investor is not affected.
    assert client.get("/api/v1/orders/").status_code == 200
    other = client.__class__()
    other.force_login(UserFactory())
    assert _post(other, url, data, HTTP_IDEMPOTENCY_KEY="k1").status_code != 429
