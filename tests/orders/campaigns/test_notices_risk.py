"""A held product's risk level raised above a holder's level: the holders below it are told
(once), nobody else; their next purchase needs the suitability acknowledgement again."""

import pytest
from django.core.exceptions import ValidationError

from marketplace.models import OutboxMessage
from orders import services
from orders.campaigns import notices
from orders.campaigns.models import EmailState, InboxMessage, Topic
from orders.models import Holding
from products import services as products
from profiles.suitability import WARNING_VERSION
from tests.factories import MembershipFactory, ProductFactory, StaffFactory, UserFactory
from tests.factories import investor_with_cash as investor

pytestmark = pytest.mark.django_db
RISK_TASK = "orders.campaigns.tasks.risk_raised_notify"


def holding_of(user, product, units="1000"):
    """A holding as confirmed orders leave it (its lots do not matter here)."""
    return Holding.objects.create(
        user=user, product=product, institution=product.institution, kind=product.kind, units=units
    )


def change_risk(product, level):
    """An editor proposes the new level and staff approve it (the only way a published
    product's risk level changes)."""
    editor = UserFactory()
    MembershipFactory(user=editor, institution=product.institution, role="editor")
    result = products.product_update(product=product, actor=editor, changes={"risk_level": level})
    products.revision_approve(
        revision=result.revision, actor=StaffFactory(), reason="Now invests in equities."
    )
    product.refresh_from_db()


def test_holders_below_the_new_level_are_told_and_nobody_else(
    django_capture_on_commit_callbacks,
):
    product = ProductFactory(risk_level=3, name="Balanced Growth")
    c3_holder, c4_holder, c3_sold_out = investor(level=3), investor(level=4), investor(level=3)
    c3_not_holding = investor(level=3)
    holding_of(c3_holder, product)
    holding_of(c4_holder, product)
    holding_of(c3_sold_out, product, units="0")

    with django_capture_on_commit_callbacks(execute=True):
        change_risk(product, 4)
    notices.risk_raised_notify(product_id=product.pk, old_level=3, new_level=4)  # rerun

    (notice,) = InboxMessage.objects.filter(topic=Topic.RISK_RAISED)
    assert notice.user == c3_holder
    assert notice.subject_key == f"product:{product.pk}:risk:4"
    assert notice.title == "Balanced Growth is now risk level R4, above your level C3"
    assert "from R3 to R4" in notice.body
    assert "accept it again" in notice.body
    assert notice.link == f"/products/{product.slug}/"
    assert notice.email_state == EmailState.SENT  # always e-mailed
    for user in (c4_holder, c3_sold_out, c3_not_holding):
        assert not InboxMessage.objects.filter(user=user).exists()


def test_the_raise_is_handed_over_with_the_approval_and_a_lowering_tells_nobody():
    product = ProductFactory(risk_level=3)
    holding_of(investor(level=2), product)

    change_risk(product, 2)
    assert not OutboxMessage.objects.filter(task=RISK_TASK).exists()
    change_risk(product, 5)
    (handed_over,) = OutboxMessage.objects.filter(task=RISK_TASK)
    assert handed_over.args == [product.pk, 2, 5]
    assert notices.risk_raised_notify(product_id=product.pk, old_level=5, new_level=3) == 0


def test_after_the_raise_the_holders_next_buy_needs_the_acknowledgement(
    clock, django_capture_on_commit_callbacks
):
    product = ProductFactory(risk_level=3)
    holder = investor(level=3, cash="5000")
    first, _ = services.order_place(user=holder, product=product, side="buy", amount="1000")
    assert first.risk_acknowledged_version == ""  # R3 suited C3: nothing to acknowledge
    with django_capture_on_commit_callbacks(execute=True):
        change_risk(product, 4)

    with pytest.raises(ValidationError) as refused:
        services.order_place(user=holder, product=product, side="buy", amount="1000")
    assert "acknowledge_risk" in refused.value.message_dict
    second, _ = services.order_place(
        user=holder, product=product, side="buy", amount="1000", acknowledge_risk=True
    )
    assert second.risk_acknowledged_version == WARNING_VERSION
    assert second.risk_acknowledged_at is not None


def test_an_acknowledgement_is_never_remembered_every_buy_above_the_level_asks_again(clock):
    """Why the raise has nothing to reset: the suitability rule judges every purchase afresh
    against the product's current level, and no earlier acknowledgement is kept anywhere."""
    product = ProductFactory(risk_level=4)
    buyer = investor(level=3, cash="5000")
    services.order_place(
        user=buyer, product=product, side="buy", amount="1000", acknowledge_risk=True
    )
    with pytest.raises(ValidationError) as refused:
        services.order_place(user=buyer, product=product, side="buy", amount="1000")
    assert "acknowledge_risk" in refused.value.message_dict


def test_a_c1_holder_is_told_they_can_no_longer_buy_it(clock):
    product = ProductFactory(risk_level=1)
    holder = investor(level=1, cash="5000")
    holding_of(holder, product)
    change_risk(product, 2)
    notices.risk_raised_notify(product_id=product.pk, old_level=1, new_level=2)

    notice = InboxMessage.objects.get(user=holder, topic=Topic.RISK_RAISED)
    assert "no longer buy more" in notice.body
    with pytest.raises(ValidationError) as refused:
        services.order_place(
            user=holder, product=product, side="buy", amount="1000", acknowledge_risk=True
        )
    assert "product" in refused.value.message_dict
