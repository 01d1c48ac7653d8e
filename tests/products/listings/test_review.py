"""Review and revisions: the listing's lifecycle, the marketing rules, and changes to a
published product waiting for review."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from products import services
from products.fees import parse_tiers
from products.models import ProductRevision, ProductStatus
from tests.factories import (
    REDEMPTION_TIERS,
    SUBSCRIPTION_TIERS,
    ProductFactory,
    StaffFactory,
    attach_required_documents,
)

from .support import create_fund

pytestmark = pytest.mark.django_db


def test_lifecycle_draft_review_published_closed_with_audit_rows(fund_company, editor):
    staff = StaffFactory()
    product = create_fund(fund_company, editor)
    with pytest.raises(ValidationError):
        services.product_approve(product=product, actor=staff, reason="skip review")
    services.product_submit(product=product, actor=editor)
    with pytest.raises(PermissionDenied):
        services.product_approve(product=product, actor=editor, reason="self-approve")
    with pytest.raises(ValidationError):
        services.product_approve(product=product, actor=staff, reason="")
    attach_required_documents(product, uploaded_by=editor)
    services.product_approve(product=product, actor=staff, reason="Prospectus checked.")
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED
    assert product.published_at is not None
    services.product_close(product=product, actor=editor, reason="Fund merged.")
    product.refresh_from_db()
    assert product.status == ProductStatus.CLOSED
    kinds = list(product.events.order_by("pk").values_list("kind", "actor"))
    assert kinds == [
        ("created", editor.pk),
        ("submitted", editor.pk),
        ("approved", staff.pk),
        ("closed", editor.pk),
    ]


def test_rejection_sends_the_product_back_to_draft_with_the_reason(fund_company, editor):
    product = create_fund(fund_company, editor)
    services.product_submit(product=product, actor=editor)
    services.product_reject(product=product, actor=StaffFactory(), reason="Fee table incomplete.")
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    assert product.events.filter(kind="rejected", reason="Fee table incomplete.").exists()


def test_a_description_that_breaks_the_marketing_rules_cannot_be_submitted(fund_company, editor):
    product = create_fund(
        fund_company, editor, description="The fund returned 9% over 3 months. Buy now."
    )
    with pytest.raises(ValidationError) as err:
        services.product_submit(product=product, actor=editor)
    assert any("returned 9% over 3 months" in m for m in err.value.message_dict["description"])
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_changing_fees_or_risk_of_a_published_product_waits_for_review(fund_company, editor):
    staff = StaffFactory()
    product = ProductFactory(institution=fund_company, risk_level=2)
    result = services.product_update(
        product=product,
        actor=editor,
        changes={"risk_level": 3, "summary": "Now with some equities."},
        fee_tiers={"subscription": parse_tiers("0 - : 1.2%")},
    )
    product.refresh_from_db()
    assert product.summary == "Now with some equities."  # free field: at once
    assert product.risk_level == 2  # material: not yet
    assert product.headline_fee_rate == Decimal("0.015")
    revision = result.revision
    assert set(revision.changes) == {"risk_level", "subscription_tiers"}
    with pytest.raises(ValidationError, match="already waiting"):
        services.product_update(product=product, actor=editor, changes={"risk_level": 4})
    services.revision_approve(revision=revision, actor=staff, reason="Reclassified correctly.")
    product.refresh_from_db()
    assert product.risk_level == 3
    assert product.headline_fee_rate == Decimal("0.012")
    assert ProductRevision.objects.get().status == "approved"
    events = list(product.events.order_by("pk").values_list("kind", flat=True))
    assert events == ["changed", "change_submitted", "change_approved"]


def test_an_invalid_change_to_a_published_product_is_refused_at_once(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    with pytest.raises(ValidationError):
        services.product_update(
            product=product,
            actor=editor,
            changes={},
            fee_tiers={"redemption": parse_tiers("0 - : 0%")},
        )
    assert not ProductRevision.objects.exists()


def test_rejected_revision_leaves_the_product_unchanged(fund_company, editor):
    product = ProductFactory(institution=fund_company, risk_level=2)
    result = services.product_update(product=product, actor=editor, changes={"risk_level": 1})
    services.revision_reject(revision=result.revision, actor=StaffFactory(), reason="Not R1.")
    product.refresh_from_db()
    assert product.risk_level == 2


def test_resubmitting_unchanged_terms_written_differently_is_not_a_change(fund_company, editor):
    """``0.006`` typed in a form is the stored ``0.006000``: only the summary changes."""
    product = ProductFactory(institution=fund_company)
    result = services.product_update(
        product=product,
        actor=editor,
        changes={"summary": "New words.", "min_purchase": Decimal("10"), "risk_level": 2},
        terms={"management_fee_rate": Decimal("0.006"), "custody_fee_rate": Decimal("0.0020")},
        fee_tiers={
            "subscription": parse_tiers(SUBSCRIPTION_TIERS),
            "redemption": parse_tiers(REDEMPTION_TIERS),
        },
    )
    assert result.revision is None
    assert set(result.applied) == {"summary"}
    assert not ProductRevision.objects.exists()


def test_staff_review_a_change_on_its_page(client, fund_company, editor):
    product = ProductFactory(institution=fund_company, risk_level=2)
    revision = services.product_update(
        product=product, actor=editor, changes={"risk_level": 3}
    ).revision
    client.force_login(StaffFactory())
    url = f"/staff/revisions/{revision.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "approve", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "approve", "reason": "Correct."}).status_code == 302
    product.refresh_from_db()
    assert product.risk_level == 3


def test_a_description_claiming_what_no_product_may_claim_cannot_be_submitted(fund_company, editor):
    product = create_fund(fund_company, editor, description="A risk-free fund for everyone.")
    with pytest.raises(ValidationError) as err:
        services.product_submit(product=product, actor=editor)
    assert any("risk-free" in m for m in err.value.message_dict["description"])


def test_staff_read_the_outcome_of_a_review_in_their_language(client, fund_company, editor):
    product = ProductFactory(institution=fund_company, risk_level=2)
    revision = services.product_update(
        product=product, actor=editor, changes={"risk_level": 3}
    ).revision
    client.force_login(StaffFactory())
    response = client.post(
        f"/staff/revisions/{revision.pk}/",
        {"action": "approve", "reason": "Correct."},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["变更已通过并生效。"]
