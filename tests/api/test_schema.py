"""The OpenAPI schema describes what each operation needs and answers, so that a client
generated from it can call every operation (headers, required fields, enums, formats, errors)."""

from __future__ import annotations

import os
import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema, node):
    while "$ref" in node or len(node.get("allOf", ())) == 1:
        if "allOf" in node:
            node = node["allOf"][0]
            continue
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _body(schema, path, method="post"):
    content = schema["paths"][path][method]["requestBody"]["content"]
    return _resolve(schema, content["application/json"]["schema"])


def test_placing_an_order_declares_the_idempotency_header_and_both_sides(schema):
    operation = schema["paths"]["/api/v1/orders/"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert (header["in"], header["required"]) == ("header", True)
    assert operation["requestBody"]["required"] is True
    sides = {
        _resolve(schema, _resolve(schema, branch)["properties"]["side"])["enum"][0]: _resolve(
            schema, branch
        )
        for branch in _body(schema, "/api/v1/orders/")["oneOf"]
    }
    assert set(sides["buy"]["required"]) == {"product", "side", "amount"}
    assert set(sides["sell"]["required"]) == {"product", "side", "units"}
    assert "coupon" in sides["buy"]["properties"]  # a code or a wallet id, no longer refused
    assert {"201", "400", "401", "403", "422"} <= set(operation["responses"])


def test_money_is_a_decimal_string_with_its_exact_pattern(schema):
    amount = _body(schema, "/api/v1/me/cash/deposits/")["properties"]["amount"]
    assert (amount["type"], amount["format"]) == ("string", "decimal")
    pattern = re.compile(amount["pattern"])
    for good in ("0.01", "1", "1000.50", "50000000", "50000000.00"):
        assert pattern.match(good), good
    for bad in ("0", "0.00", "1.001", "50000000.01", "1e5", "-1", "NaN", " 1"):
        assert not pattern.match(bad), bad


def test_deposits_name_the_card_and_assessments_the_answers_shape(schema):
    for url in ("/api/v1/me/cash/deposits/", "/api/v1/me/cash/withdrawals/"):
        body = _body(schema, url)
        assert set(body["required"]) == {"amount", "card"}
        assert body["properties"]["card"]["type"] == "integer"
        assert "payment_method" not in body["properties"]
    answers = _body(schema, "/api/v1/me/assessments/")["properties"]["answers"]
    assert answers["type"] == "object"
    assert answers["additionalProperties"]["type"] == "integer"


def test_applications_state_the_shapes_the_server_enforces(schema):
    body = _body(schema, "/api/v1/institutions/applications/")
    assert body["properties"]["requested_kinds"]["minItems"] == 1
    name = re.compile(body["properties"]["name"]["pattern"])
    assert name.match("Pearl Delta Securities")
    for bad in ("<b>x</b>", "a\x00b", "   ", "a\x07b"):
        assert not name.match(bad), repr(bad)
    assert body["properties"]["licence_number"]["pattern"]


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if method in ("post", "patch"):
                assert "400" in codes, (method, path)
            if operation.get("security") and {} not in operation["security"]:
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path or path.startswith("/api/v1/portal/"):
                assert "404" in codes, (method, path)


def test_a_product_names_its_terms_by_kind_and_requires_them_on_create(schema):
    body = _body(schema, "/api/v1/portal/products/")
    assert "terms" in body["required"]
    kinds = [b["$ref"].rsplit("/", 1)[-1] for b in body["properties"]["terms"]["oneOf"]]
    assert kinds == ["FundTermsRequest", "InsuranceTermsRequest", "SavingsTermsRequest"]


def test_an_institution_name_with_a_line_break_never_breaks_the_mail_header(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/institutions/applications/",
            {
                "name": "Pearl\r\nBcc: everyone@example.com",
                "type": "securities_firm",
                "licence_number": "PD-0001",
                "registered_address": "1 Road",
                "contact_name": "Ann",
                "contact_email": "ann@pearl.example",
                "requested_kinds": ["fund"],
                "description": "Securities.",
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    (sent,) = mail.outbox
    assert "\n" not in sent.subject
    assert "\r" not in sent.subject


def test_the_schema_generates_without_warnings_and_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_every_portal_operation_describes_the_x_institution_header(client):
    schema = client.get("/api/schema/?format=json").json()
    portal = {
        (path, method): operation
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/portal/")
        for method, operation in item.items()
    }
    assert portal
    missing = [
        key
        for key, operation in portal.items()
        if not any(
            p["name"] == "X-Institution" and p["in"] == "header" and not p.get("required")
            for p in operation.get("parameters", [])
        )
    ]
    assert missing == []


@pytest.mark.django_db
def test_a_request_without_credentials_is_told_to_authenticate_401():
    """Signed out is 401 with a challenge, as the schema says; 403 is for a signed-in caller
    who may not (it was 403 for both, so a client could not tell "sign in" from "forbidden")."""
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/me/cash/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("X-Session-Token")
