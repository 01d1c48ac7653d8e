"""An order's and a holding's kind is one of the product kinds, in the model and the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orders.models import Holding, Order
from products.models import ProductKind
from tests.orders.factories import HoldingFactory, OrderFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "factory"), [(Order, OrderFactory), (Holding, HoldingFactory)])
def test_an_unknown_kind_is_refused_by_the_model_and_the_database(model, factory):
    row = factory()
    assert model._meta.get_field("kind").choices == ProductKind.choices
    row.kind = "crypto"
    with pytest.raises(ValidationError) as err:
        row.full_clean()
    assert "kind" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(kind="crypto")
