"""An institution sees its own orders and consenting customers, and the audience counts them."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from institutions.models import Role
from orders import services
from orders.models import PurchaseRefusal
from profiles.models import InvestorProfile
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    bound_card,
)

pytestmark = pytest.mark.django_db


def buyer(*, consent=True, name="Li Hua"):
    user = UserFactory()
    InvestorProfile.objects.create(
        user=user,
        full_name=name,
        risk_level=3,
        assessment_valid_until=dt.date(2030, 1, 1),
        share_profile_with_institutions=consent,
    )
    services.deposit_start(user=user, amount="10000", card=bound_card(user))
    return user


@pytest.fixture
def setup(client):
    mine, theirs = InstitutionFactory(name="Mine Funds"), InstitutionFactory(name="Their Funds")
    my_product = ProductFactory(institution=mine, risk_level=1, name="Mine Bond")
    their_product = ProductFactory(institution=theirs, risk_level=1, name="Their Bond")
    shared, private, other = buyer(name="Li Hua"), buyer(consent=False, name="Hidden"), buyer()
    for user in (shared, private):
        services.order_place(user=user, product=my_product, side="buy", amount="1000")
    services.order_place(user=other, product=their_product, side="buy", amount="2000")
    analyst = MembershipFactory(institution=mine, role=Role.ANALYST).user
    client.force_login(analyst)
    return {"shared": shared, "private": private, "other": other}


def test_portal_orders_are_the_institutions_own_with_csv(client, setup):
    api = client.get("/api/v1/portal/orders/").json()
    assert api["count"] == 2
    assert {o["product_name"] for o in api["results"]} == {"Mine Bond"}
    assert client.get("/api/v1/portal/orders/?status=cancelled").json()["count"] == 0
    response = client.get("/portal/orders/?format=csv")
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "order_id"
    assert len(rows) == 3
    assert all(row[6] == "Mine Bond" for row in rows[1:])


def test_customers_are_only_consenting_buyers_of_own_products(client, setup):
    page = client.get("/portal/customers/")
    assert page.status_code == 200
    customers = list(page.context["customers"])
    assert [c.user_id for c in customers] == [setup["shared"].pk]
    assert customers[0].orders_count == 1
    assert b"Hidden" not in page.content


def test_audience_counts_own_customers_separately(client, setup):
    body = client.get("/api/v1/portal/audience/?rows=risk_level&cols=age_cohort").json()
    assert body["customers"]["total"] == "< 20"  # one consenting customer: suppressed


def test_the_institution_sees_why_an_investor_could_not_buy_but_never_the_answers(client):
    institution = InstitutionFactory()
    r2 = ProductFactory(institution=institution, risk_level=2, name="Careful Bond")
    careful = UserFactory()
    InvestorProfile.objects.create(
        user=careful, risk_level=1, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=careful, amount="1000", card=bound_card(careful))
    for _ in range(2):
        with pytest.raises(ValidationError):
            services.order_place(user=careful, product=r2, side="buy", amount="100")
    assert PurchaseRefusal.objects.count() == 1  # once a day per investor and product
    client.force_login(MembershipFactory(institution=institution, role=Role.ANALYST).user)
    page = client.get("/portal/customers/").content.decode()
    assert "R1 products only" in page
    assert "Careful Bond" in page
