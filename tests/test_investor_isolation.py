"""Issue 16: one investor never reaches another's objects, by any URL or API, by any method.

The walk takes every URL under ``/me/``, ``/api/v1/me/``, ``/api/v1/orders/`` and
``/payments/`` that has parameters (the same URL walk as tests/test_tenant_isolation.py), so a
route added later joins it and fails until ``VICTIM_KWARGS`` says which of the victim's objects
it names (or ``NOT_AN_OBJECT`` why it names none). Signed in as another investor (with the
trade PIN, so a PIN check cannot stand in for the ownership check), GET, POST, PUT, PATCH and
DELETE of each are a 404 (or the 405 a method gets whatever the object), the victim's data
never appears in the answer, and every row the victim owns is unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import get_resolver
from django.utils import timezone

from orders.aftersales.models import RequestMessage
from orders.campaigns.models import InboxMessage
from orders.insight.models import Alert, WatchItem
from orders.models import Payment
from orders.plans import services as plans
from orders.plans.switching.models import Switch
from profiles.models import Questionnaire, RiskAssessment
from tests.factories import PIN_HEADER, NavPriceFactory, ProductFactory, investor_with_cash
from tests.orders.aftersales.factories import ServiceRequestFactory
from tests.orders.factories import HoldingFactory, OrderFactory
from tests.test_tenant_isolation import route_with, walk

pytestmark = pytest.mark.django_db

SECRET = "Yak-Secret-Investor"
SCOPES = ("me/", "api/v1/me/", "api/v1/orders/", "payments/")
# route → the victim's kwargs (from ``victim``'s dict of objects).
VICTIM_KWARGS = {
    "api/v1/orders/<int:pk>/": lambda v: {"pk": v["order"].pk},
    "api/v1/orders/<int:pk>/cancel/": lambda v: {"pk": v["order"].pk},
    "api/v1/me/cards/<int:pk>/default/": lambda v: {"pk": v["card"].pk},
    "api/v1/me/cards/<int:pk>/unbind/": lambda v: {"pk": v["card"].pk},
    "api/v1/me/inbox/<int:pk>/read/": lambda v: {"pk": v["inbox"].pk},
    "api/v1/me/requests/<int:pk>/": lambda v: {"pk": v["request"].pk},
    "api/v1/me/requests/<int:pk>/messages/": lambda v: {"pk": v["request"].pk},
    "api/v1/me/requests/<int:pk>/messages/<int:message_pk>/attachment/": lambda v: {
        "pk": v["request"].pk,
        "message_pk": v["message"].pk,
    },
    "api/v1/me/requests/<int:pk>/close/": lambda v: {"pk": v["request"].pk},
    "api/v1/me/requests/<int:pk>/escalate/": lambda v: {"pk": v["request"].pk},
    "api/v1/me/plans/<int:pk>/": lambda v: {"pk": v["plan"].pk},
    "api/v1/me/plans/<int:pk>/pause/": lambda v: {"pk": v["plan"].pk},
    "api/v1/me/plans/<int:pk>/resume/": lambda v: {"pk": v["plan"].pk},
    "api/v1/me/plans/<int:pk>/stop/": lambda v: {"pk": v["plan"].pk},
    "api/v1/me/switches/<int:pk>/": lambda v: {"pk": v["switch"].pk},
    "api/v1/me/switches/<int:pk>/cancel/": lambda v: {"pk": v["switch"].pk},
    "api/v1/me/alerts/<int:pk>/": lambda v: {"pk": v["alert"].pk},
    "me/risk/<int:pk>/": lambda v: {"pk": v["assessment"].pk},
    "me/orders/<int:pk>/": lambda v: {"pk": v["order"].pk},
    "me/orders/<int:pk>/cancel/": lambda v: {"pk": v["order"].pk},
    "payments/sandbox/<str:reference>/": lambda v: {"reference": v["payment"].provider_reference},
    "me/cards/<int:pk>/default/": lambda v: {"pk": v["card"].pk},
    "me/cards/<int:pk>/unbind/": lambda v: {"pk": v["card"].pk},
    "me/inbox/<int:pk>/read/": lambda v: {"pk": v["inbox"].pk},
    "me/requests/<int:pk>/": lambda v: {"pk": v["request"].pk},
    "me/requests/<int:pk>/reply/": lambda v: {"pk": v["request"].pk},
    "me/requests/<int:pk>/close/": lambda v: {"pk": v["request"].pk},
    "me/requests/<int:pk>/escalate/": lambda v: {"pk": v["request"].pk},
    "me/requests/<int:pk>/attachments/<int:message_pk>/": lambda v: {
        "pk": v["request"].pk,
        "message_pk": v["message"].pk,
    },
    "me/plans/<int:pk>/": lambda v: {"pk": v["plan"].pk},
    "me/plans/<int:pk>/change/": lambda v: {"pk": v["plan"].pk},
    "me/plans/<int:pk>/pause/": lambda v: {"pk": v["plan"].pk},
    "me/plans/<int:pk>/resume/": lambda v: {"pk": v["plan"].pk},
    "me/plans/<int:pk>/stop/": lambda v: {"pk": v["plan"].pk},
    "me/switches/<int:pk>/": lambda v: {"pk": v["switch"].pk},
    "me/switches/<int:pk>/cancel/": lambda v: {"pk": v["switch"].pk},
    "me/watchlist/alerts/<int:pk>/delete/": lambda v: {"pk": v["alert"].pk},
}
# Routes whose parameters name no investor's object: a product (the one the victim holds and
# watches), a year of one's own statements, a bearer link. Walked all the same: never the
# victim's data, nothing of theirs changed, never a 5xx.
NOT_AN_OBJECT = {
    "api/v1/me/holdings/<slug:slug>/election/": lambda v: {"slug": v["fund"].slug},
    "api/v1/me/watchlist/<str:product>/": lambda v: {"product": v["fund"].slug},
    "me/portfolio/realised/<int:year>.csv": lambda v: {"year": 2026},
    "me/statements/<int:year>/": lambda v: {"year": 2026},
    "me/portfolio/<slug:slug>/sell/": lambda v: {"slug": v["fund"].slug},
    "me/portfolio/<slug:slug>/switch/": lambda v: {"slug": v["fund"].slug},
    "me/portfolio/<slug:slug>/distributions/": lambda v: {"slug": v["fund"].slug},
    "me/watchlist/<slug:slug>/watch/": lambda v: {"slug": v["fund"].slug},
    "me/watchlist/<slug:slug>/unwatch/": lambda v: {"slug": v["fund"].slug},
    # A reset link is checked against the signed-in user (services.reset_record): a token of
    # another account is "link not valid" (tests/profiles/security covers it).
    "me/security/pin/reset/<str:token>/": lambda v: {"token": "not-yours"},
}
METHODS = ("get", "post", "put", "patch", "delete")


def investor_routes():
    return [
        (route, pattern)
        for route, pattern in walk(get_resolver().url_patterns)
        if route.startswith(SCOPES) and pattern.pattern.regex.groupindex
    ]


ROUTES = investor_routes()


@pytest.fixture
def victim():
    """An investor with one object of every kind an investor owns (later issues add theirs)."""
    user = investor_with_cash(cash="5000", email="yak@victim.example")
    fund = ProductFactory(name="Yak Public Fund", min_purchase=Decimal("1.00"), risk_level=1)
    other = ProductFactory(institution=fund.institution, min_purchase=Decimal("1.00"))
    NavPriceFactory(product=fund, date=dt.date(2026, 11, 2))
    today = timezone.localdate()
    order = OrderFactory(user=user, product=fund)
    holding = HoldingFactory(user=user, product=fund)
    plan, _ = plans.plan_create(
        user=user,
        product=fund,
        amount="100",
        frequency="monthly",
        day=1,
        start_date=today + dt.timedelta(days=1),
    )
    switch = Switch.objects.create(
        user=user,
        institution=fund.institution,
        from_product=fund,
        to_product=other,
        units=Decimal("10.00"),
        estimated_amount=Decimal("10.00"),
        from_subscription_rate=Decimal("0"),
        to_subscription_rate=Decimal("0"),
    )
    inbox = InboxMessage.objects.create(
        user=user,
        kind="notice",
        topic="order_confirmed",
        subject_key=f"order:{order.pk}",
        title=f"{SECRET} notice",
        body=f"{SECRET} body",
    )
    request = ServiceRequestFactory(investor=user, product=fund, subject=f"{SECRET} question")
    message = RequestMessage(
        request=request,
        author=user,
        side="investor",
        body=f"{SECRET} message",
        attachment_type="application/pdf",
        attachment_name="yak.pdf",
        attachment_size=5,
    )
    message.attachment.save("upload", ContentFile(b"%PDF-"), save=False)
    message.save()
    item = WatchItem.objects.create(user=user, product=fund)
    alert = Alert.objects.create(item=item, kind="nav_below", threshold=Decimal("0.5"))
    assessment = RiskAssessment.objects.create(
        user=user,
        questionnaire=Questionnaire.objects.order_by("-pk").first(),
        answers={},
        score=10,
        risk_level=3,
        valid_until=dt.date(2030, 1, 1),
    )
    return {
        "user": user,
        "fund": fund,
        "order": order,
        "holding": holding,
        "plan": plan,
        "switch": switch,
        "inbox": inbox,
        "request": request,
        "message": message,
        "card": user.bank_cards.first(),
        "watch": item,
        "alert": alert,
        "assessment": assessment,
        "payment": Payment.objects.filter(user=user).first(),
    }


@pytest.fixture
def attacker(client):
    user = investor_with_cash(cash="5000", email="mallory@attacker.example")
    client.force_login(user)
    return client


def _owned_models():
    """Every model with a foreign key to the user named ``user`` or ``investor``."""
    user_model = get_user_model()
    for model in apps.get_models():
        for name in ("user", "investor"):
            field = next((f for f in model._meta.fields if f.name == name), None)
            if field is not None and field.is_relation and field.related_model is user_model:
                yield model, name


def snapshot(user) -> dict:
    rows = {
        f"{model._meta.label}": sorted(
            map(str, model.objects.filter(**{name: user}).values()), key=str
        )
        for model, name in _owned_models()
    }
    rows["alerts"] = sorted(map(str, Alert.objects.filter(item__user=user).values()))
    rows["messages"] = sorted(
        map(str, RequestMessage.objects.filter(request__investor=user).values())
    )
    rows["user"] = [str(get_user_model().objects.filter(pk=user.pk).values().first())]
    return rows


def test_every_investor_route_is_walked():
    routes = {route for route, _ in ROUTES}
    missing = routes - set(VICTIM_KWARGS) - set(NOT_AN_OBJECT)
    assert not missing, f"say which of the victim's objects these name: {sorted(missing)}"
    assert "me/orders/<int:pk>/" in routes
    assert "api/v1/me/plans/<int:pk>/" in routes


def test_the_snapshot_sees_every_kind_of_investor_object(victim):
    rows = snapshot(victim["user"])
    for label in (
        "orders.Order",
        "orders.Holding",
        "plans.InvestmentPlan",
        "switching.Switch",
        "campaigns.InboxMessage",
        "aftersales.ServiceRequest",
        "cash.BankCard",
        "insight.WatchItem",
        "profiles.RiskAssessment",
        "profiles.InvestorProfile",
    ):
        matches = [k for k in rows if k.rsplit(".", 1)[-1] == label.rsplit(".", 1)[-1]]
        assert any(rows[k] for k in matches), label
    assert rows["alerts"]
    assert rows["messages"]


@pytest.mark.parametrize(("route", "pattern"), ROUTES, ids=[r for r, _ in ROUTES])
def test_another_investor_gets_404_and_changes_nothing(route, pattern, victim, attacker):
    before = snapshot(victim["user"])
    owned = route in VICTIM_KWARGS
    kwargs = (VICTIM_KWARGS.get(route) or NOT_AN_OBJECT[route])(victim)
    url = "/" + route_with(route, kwargs)
    problems = []
    for method in METHODS:
        response = getattr(attacker, method)(
            url, data={}, content_type="application/json", **PIN_HEADER
        )
        status = response.status_code
        if status >= 500 or (owned and status not in (404, 405)):
            problems.append(f"{method.upper()} {url}: {status}")
        if SECRET.encode() in response.content:
            problems.append(f"{method.upper()} {url}: shows the victim's data")
    assert not problems, "\n".join(problems)
    assert snapshot(victim["user"]) == before, f"{route} changed the victim's data"
