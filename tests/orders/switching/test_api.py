"""POST /api/v1/me/switches/ (Idempotency-Key, X-Trade-PIN), GET with both orders, cancel."""

import pytest

from orders.models import Order
from orders.plans.switching.models import Switch
from tests.factories import PIN_HEADER, ProductFactory, investor_with_cash

from .conftest import TUESDAY

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/switches/"


@pytest.fixture
def api(client, holder):
    client.force_login(holder)
    return client


def _post(client, body, key="k-1", **headers):
    headers = {**PIN_HEADER, **headers}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, body, content_type="application/json", **headers)


def _body(fund_a, fund_b, **fields):
    return {"from_product": fund_a.slug, "to_product": fund_b.slug, "units": "1000", **fields}


def _counts():
    return Switch.objects.count(), Order.objects.count()


def test_placing_a_switch_returns_it_with_both_orders(api, fund_a, fund_b):
    response = _post(api, _body(fund_a, fund_b))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["from_product"], data["to_product"]) == (
        "pending",
        fund_a.slug,
        fund_b.slug,
    )
    assert data["units"] == "1000.00"
    assert data["trade_date"] == TUESDAY.isoformat()
    assert data["sell_order"]["side"] == "sell"
    assert data["buy_order"]["side"] == "buy"
    assert data["sell_order"]["switch"] == data["buy_order"]["switch"] == data["id"]
    assert data["cancellable"] is True
    detail = api.get(f"{URL}{data['id']}/")
    assert detail.status_code == 200
    assert detail.json()["buy_order"]["id"] == data["buy_order"]["id"]
    assert [s["id"] for s in api.get(URL).json()["results"]] == [data["id"]]


def test_the_same_key_replays_and_another_body_is_422(api, fund_a, fund_b):
    first = _post(api, _body(fund_a, fund_b))
    again = _post(api, _body(fund_a, fund_b))
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert _counts() == (1, 3)  # the holder's first buy, and one pair
    other = _post(api, _body(fund_a, fund_b, units="10"))
    assert other.status_code == 422
    assert "idempotency_key" in other.json()
    assert _counts() == (1, 3)


def test_the_idempotency_key_is_required(api, fund_a, fund_b):
    response = _post(api, _body(fund_a, fund_b), key=None)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()
    assert _counts() == (0, 1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"units": "0"}, "units"),
        ({"units": "-1"}, "units"),
        ({"units": "1.001"}, "units"),
        ({"units": "lots"}, "units"),
        ({"units": "1" + "0" * 40}, "units"),
        ({"units": "99999"}, "units"),  # more than held
        ({"units": None}, "units"),
        ({"to_product": "<b>nope</b>"}, "to_product"),
        ({"to_product": "no-such-fund"}, "to_product"),
        ({"from_product": "no-such-fund"}, "from_product"),
        ({"acknowledge_risk": "perhaps"}, "acknowledge_risk"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_nothing_is_saved(api, fund_a, fund_b, fields, field):
    body = {k: v for k, v in _body(fund_a, fund_b, **fields).items() if v is not None}
    response = _post(api, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert _counts() == (0, 1)


def test_another_institutions_fund_is_a_400_on_to_product(api, fund_a):
    response = _post(api, _body(fund_a, ProductFactory()))
    assert response.status_code == 400
    assert "to_product" in response.json()


def test_cancel_cancels_both_and_an_order_alone_is_refused(api, fund_a, fund_b):
    data = _post(api, _body(fund_a, fund_b)).json()
    alone = api.post(f"/api/v1/orders/{data['sell_order']['id']}/cancel/")
    assert alone.status_code == 400
    assert Order.objects.filter(switch_id=data["id"], status="pending").count() == 2
    response = api.post(f"{URL}{data['id']}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert {response.json()["sell_order"]["status"], response.json()["buy_order"]["status"]} == {
        "cancelled"
    }


def test_another_investors_switch_is_a_404(api, client, fund_a, fund_b):
    data = _post(api, _body(fund_a, fund_b)).json()
    client.force_login(investor_with_cash())
    assert client.get(f"{URL}{data['id']}/").status_code == 404
    assert client.post(f"{URL}{data['id']}/cancel/").status_code == 404
    assert client.get(URL).json()["results"] == []
