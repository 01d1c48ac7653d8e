import datetime as dt

import pytest
from django.utils import timezone

from orders.campaigns import services
from orders.campaigns.models import Trigger
from tests.factories import InstitutionFactory, ProductFactory, UserFactory


@pytest.fixture
def fund_company(db):
    return InstitutionFactory(name="Steady Funds")


@pytest.fixture
def fund(fund_company):
    return ProductFactory(institution=fund_company)


@pytest.fixture
def draft(fund_company):
    """``draft(**fields)`` → a campaign saved through the service (scheduled tomorrow)."""

    def make(institution=None, **fields):
        fields.setdefault("title", "Half the fee this month")
        fields.setdefault("body", "Our bond fund (R2): half the subscription fee until Friday.")
        fields.setdefault("trigger", Trigger.SCHEDULED)
        if fields["trigger"] == Trigger.SCHEDULED:
            fields.setdefault("send_at", timezone.now() + dt.timedelta(hours=1))
        return services.campaign_save(
            institution=institution or fund_company, actor=UserFactory(), **fields
        )

    return make
