"""The payment gateway against bad input, accidents and crashes."""

import json

import pytest

from orders import services
from orders.models import Payment
from orders.payments import SIGNATURE_HEADER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_callback_with_a_non_ascii_signature_is_refused_with_403(client):
    payment = services.deposit_start(
        user=UserFactory(), amount="300", payment_method="sandbox_late"
    )
    body = json.dumps({"provider_reference": payment.provider_reference, "status": "succeeded"})
    response = client.post(
        "/payments/sandbox/callback/",
        body.encode(),
        content_type="application/json",
        **{SIGNATURE_HEADER: "é" * 64},
    )
    assert response.status_code == 403
    assert Payment.objects.get().status == "pending"
