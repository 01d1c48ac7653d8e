"""DESIGN §2: a member of institution A never reaches institution B's objects.

The test walks *every* URL under /portal/ and /api/v1/portal/ (by GET, POST, PUT, PATCH and
DELETE where the URL names an object), so portal URLs added by later
issues join it automatically. For a URL that names an object, the view says which model that
is (``tenant_model``, or the DRF view's ``queryset.model``) and the test takes institution B's
instance of it from ``tenant_b_world``; if B has none, extend that fixture.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from institutions.models import Institution, Invitation, Membership, Role
from orders.aftersales.models import RequestMessage, ServiceRequest
from orders.campaigns.models import Campaign
from orders.coupons.services import coupon_create
from orders.models import Coupon, CouponGrant, Statement
from products.models import (
    Article,
    CuratedList,
    CuratedListItem,
    FundReport,
    NavPrice,
    Product,
    ProductEvent,
)
from products.services.curation import curated_list_save
from products.services.reports import ManagerRow, ReportData, fund_report_save
from tests.factories import (
    ArticleFactory,
    InstitutionFactory,
    InvitationFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)
from tests.orders.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

PORTAL_PREFIXES = ("portal/", "api/v1/portal/")
# URL parameters that do not name the object (e.g. which action to take on it).
OTHER_KWARGS = {"action": "submit"}
# URL parameters that name a part of the object (a request's message with its attachment).
PART_KWARGS = {
    "message_pk": lambda obj: obj.messages.exclude(attachment="").first().pk,
    "report_pk": lambda obj: obj.reports.first().pk,
}
SECRET = "Zebra-Secret-Institution-B"


def walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def portal_patterns():
    return [(r, p) for r, p in walk(get_resolver().url_patterns) if r.startswith(PORTAL_PREFIXES)]


def view_class(pattern):
    callback = pattern.callback
    return getattr(callback, "view_class", None) or getattr(callback, "cls", None)


def tenant_model(pattern):
    cls = view_class(pattern)
    model = getattr(cls, "tenant_model", None)
    if model is None and getattr(cls, "queryset", None) is not None:
        model = cls.queryset.model
    return model


@pytest.fixture
def tenant_b_world():
    """Institution B with one object of every tenant-owned kind (later issues add theirs)."""
    b = InstitutionFactory(name=SECRET, slug="zebra-b")
    admin_b = MembershipFactory(institution=b, role=Role.ADMIN, user=UserFactory(mfa=True))
    MembershipFactory(
        institution=b, role=Role.EDITOR, user=UserFactory(email="zebra-editor@b.example")
    )
    InvitationFactory(institution=b, email="zebra-invitee@b.example", invited_by=admin_b.user)
    product = ProductFactory(institution=b, name="Zebra Secret Fund", slug="zebra-fund")
    ArticleFactory(institution=b, product=product, author=admin_b.user, title="Zebra news")
    fund_report_save(
        product=product,
        actor=admin_b.user,
        data=ReportData(
            year=2026,
            period="q1",
            fund_size=Decimal("1000000.00"),
            fund_size_date=dt.date(2026, 3, 31),
            benchmark_name="Zebra benchmark",
            managers=[ManagerRow("Zebra manager", dt.date(2020, 1, 1))],
            allocation={"cash": Decimal(100)},
        ),
    )
    curated_list_save(
        institution=b,
        actor=admin_b.user,
        title="Zebra picks",
        blurb="",
        products=[product],
    )
    Statement.objects.create(institution=b, month=dt.date(2026, 10, 1))
    CampaignFactory(institution=b, title="Zebra secret offer", created_by=admin_b.user)
    request = ServiceRequest.objects.create(
        investor=UserFactory(email="zebra-investor@b.example"),
        institution=b,
        product=product,
        kind="complaint",
        subject=f"{SECRET} complaint",
        first_response_due=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    message = RequestMessage(
        request=request,
        author=request.investor,
        side="investor",
        body=f"{SECRET} body",
        attachment_type="application/pdf",
        attachment_name="zebra.pdf",
        attachment_size=5,
    )
    message.attachment.save("upload", ContentFile(b"%PDF-"), save=False)
    message.save()
    coupon_create(
        institution=b,
        actor=admin_b.user,
        kind="fee_discount",
        products=[product.slug],
        code="ZEBRACODE",
        name="Zebra Secret Coupon",
        percent_off=50,
        valid_until=dt.date(2099, 1, 1),
        budget=1000,
        max_count=10,
    )
    return b


@pytest.fixture
def admin_of_a(client):
    a = InstitutionFactory(name="Institution A")
    user = UserFactory(mfa=True)
    MembershipFactory(institution=a, user=user, role=Role.ADMIN)
    client.force_login(user)
    return client


def object_of_b(model, b: Institution):
    obj = model.objects.filter(institution=b).first()
    assert obj is not None, f"tenant_b_world has no {model.__name__}; add one to the fixture"
    return obj


def test_there_are_portal_urls_to_walk():
    routes = [r for r, _ in portal_patterns()]
    assert "portal/" in routes
    assert "api/v1/portal/members/" in routes


@pytest.mark.parametrize(
    ("route", "pattern"), portal_patterns(), ids=[r for r, _ in portal_patterns()]
)
def test_member_of_a_cannot_reach_b_through_any_portal_url(
    route, pattern, tenant_b_world, admin_of_a
):
    client = admin_of_a
    before = snapshot()
    kwargs_names = list(pattern.pattern.regex.groupindex)
    if kwargs_names:
        model = tenant_model(pattern)
        assert model is not None, f"{route}: set tenant_model on {view_class(pattern)}"
        obj = object_of_b(model, tenant_b_world)
        values = {
            name: OTHER_KWARGS.get(name)
            or (PART_KWARGS[name](obj) if name in PART_KWARGS else getattr(obj, name))
            for name in kwargs_names
        }
        url = "/" + route_with(route, values)
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (method, url, response.status_code)
    else:
        url = "/" + route
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 302, 405), (url, response.status_code)
        assert SECRET.encode() not in response.content
        assert b"zebra-" not in response.content
        # Naming B explicitly (API header) is a 404 too, never B's data.
        response = client.get(url, HTTP_X_INSTITUTION=tenant_b_world.slug)
        if url.startswith("/api/"):
            assert response.status_code == 404, url
        assert SECRET.encode() not in response.content
    assert snapshot() == before, f"{route} changed B's data"


def route_with(route: str, values: dict) -> str:
    import re

    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def snapshot():
    return (
        sorted(Membership.objects.values_list("pk", "role")),
        sorted(Invitation.objects.values_list("pk", "revoked_at", "accepted_at")),
        sorted(Product.objects.values_list("pk", "status", "name", "risk_level")),
        sorted(Article.objects.values_list("pk", "status", "title")),
        NavPrice.objects.count(),
        sorted(FundReport.objects.values_list("pk", "status", "updated_at")),
        sorted(CuratedList.objects.values_list("pk", "published", "position", "title")),
        sorted(CuratedListItem.objects.values_list("pk", "curated_list", "product", "position")),
        ProductEvent.objects.count(),
        sorted(Campaign.objects.values_list("pk", "status", "title")),
        sorted(
            ServiceRequest.objects.values_list(
                "pk", "status", "first_response_at", "escalated_at", "closed_at"
            )
        ),
        RequestMessage.objects.count(),
        sorted(Coupon.objects.values_list("pk", "status", "name", "percent_off", "spent")),
        CouponGrant.objects.count(),
    )
