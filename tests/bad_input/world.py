"""The world the walks run in (an institution, its admin, funds, a campaign, a coupon, and an
investor with cash, a card, a PIN, a holding, a plan and a request), known-good bodies, URLs,
and the row counts that prove nothing was saved."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from psycopg2 import sql

from institutions.models import InstitutionType, Role
from orders.coupons.services import coupon_create
from orders.plans import services as plans
from products.models import NavPrice, ProductStatus
from profiles.models import Question, Questionnaire
from tests.factories import (
    TRADE_PIN,
    InstitutionFactory,
    MembershipFactory,
    NavPriceFactory,
    ProductFactory,
    UserFactory,
    investor_with_cash,
    sandbox_card_number,
)
from tests.orders.aftersales.factories import ServiceRequestFactory
from tests.orders.campaigns.factories import CampaignFactory
from tests.orders.factories import HoldingFactory, LotFactory

from .corpus import OVERSIZED


def _world():
    """An institution (its admin with TOTP, a draft and a fund on sale with NAV, a campaign, a
    coupon) and an investor with cash, a card, the PIN, a holding, a plan and a request."""
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    admin = UserFactory(mfa=True)
    MembershipFactory(user=admin, institution=institution, role=Role.ADMIN)
    fund = ProductFactory(institution=institution, min_purchase=Decimal("1.00"), risk_level=1)
    other = ProductFactory(institution=institution, min_purchase=Decimal("1.00"), risk_level=1)
    for product in (fund, other):
        for day in range(5):
            NavPriceFactory(product=product, date=dt.date(2026, 11, 2) + dt.timedelta(days=day))
        # and a recent one, which a switch's estimate needs
        NavPriceFactory(product=product, date=timezone.localdate() - dt.timedelta(days=1))
    # NAV(2026-11-03) priced orders: a correction of it is a real request.
    NavPrice.objects.filter(product=fund, date=dt.date(2026, 11, 3)).update(
        priced_at=timezone.now()
    )
    draft = ProductFactory(institution=institution, status=ProductStatus.DRAFT)
    investor = investor_with_cash(cash="100000")
    card = investor.bank_cards.first()
    holding = HoldingFactory(user=investor, product=fund)
    LotFactory(holding=holding)  # a switch's sale is estimated lot by lot
    today = timezone.localdate()
    plan, _ = plans.plan_create(
        user=investor,
        product=fund,
        amount="100",
        frequency="monthly",
        day=1,
        start_date=today + dt.timedelta(days=1),
    )
    request = ServiceRequestFactory(investor=investor, product=fund)
    campaign = CampaignFactory(institution=institution, created_by=admin)
    coupon = coupon_create(
        institution=institution,
        actor=admin,
        kind="fee_discount",
        products=[fund.slug],
        code="CORPUS10",
        name="Corpus coupon",
        percent_off=10,
        valid_until=today + dt.timedelta(days=30),
        budget=1000,
        max_count=10,
    )
    return {
        "institution": institution,
        "admin": admin,
        "fund": fund,
        "other": other,
        "draft": draft,
        "investor": investor,
        "card": card,
        "holding": holding,
        "plan": plan,
        "request": request,
        "campaign": campaign,
        "coupon": coupon,
        "today": today,
        # Someone with no identity on file yet (the investor's is verified: it cannot change).
        "newcomer": UserFactory(identity=False),
    }


def _path_objects(w) -> dict[str, object]:
    """The URL prefix before a parameter → the principal's own object it names."""
    return {
        # A published fund with NAV for what only such a fund takes (corrections, reports,
        # distributions); the draft for the listing itself.
        "/api/v1/portal/products/{slug}/distributions/": w["fund"],
        "/api/v1/portal/products/{slug}/nav/": w["fund"],
        "/api/v1/portal/products/{slug}/reports/": w["fund"],
        "/api/v1/portal/products/{slug}/yield/": w["fund"],
        "/api/v1/portal/products/{slug}/": w["draft"],
        "/api/v1/portal/campaigns/{id}/": w["campaign"],
        "/api/v1/portal/coupons/{id}/": w["coupon"],
        "/api/v1/portal/requests/{id}/": w["request"],
        "/api/v1/me/requests/{id}/": w["request"],
        "/api/v1/me/plans/{id}/": w["plan"],
        "/api/v1/me/holdings/{slug}/": w["fund"],
    }


def _bases(w) -> dict[str, dict]:
    """Known-good bodies, so a bad value in one field is judged with the others valid."""
    tomorrow = (w["today"] + dt.timedelta(days=1)).isoformat()
    fund = w["fund"].slug
    answers = {
        str(question.pk): question.options.order_by("pk").first().pk
        for question in Question.objects.filter(questionnaire__version=_questionnaire_version())
    }
    return {
        "POST /api/v1/orders/": {"product": fund, "side": "buy", "amount": "100.00"},
        "POST /api/v1/me/cash/deposits/": {"amount": "100.00", "card": w["card"].pk},
        "POST /api/v1/me/cash/withdrawals/": {"amount": "100.00", "card": w["card"].pk},
        "POST /api/v1/me/plans/": {
            "product": fund,
            "amount": "100.00",
            "frequency": "monthly",
            "day": 8,
            "start_date": tomorrow,
        },
        "POST /api/v1/me/requests/": {
            "kind": "question",
            "subject": "About my units",
            "body": "When are they confirmed?",
            "product": fund,
        },
        "POST /api/v1/me/requests/{id}/messages/": {"body": "Thank you"},
        "POST /api/v1/portal/requests/{id}/messages/": {"body": "We are on it"},
        "POST /api/v1/me/watchlist/": {"product": fund},
        "POST /api/v1/me/alerts/": {"product": fund, "kind": "nav_below", "threshold": "0.5"},
        "POST /api/v1/me/switches/": {
            "from_product": fund,
            "to_product": w["other"].slug,
            "units": "10.00",
        },
        "POST /api/v1/portal/campaigns/": {
            "title": "Autumn offer",
            "body": "Our fund, explained.",
            "trigger": "scheduled",
            "send_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        },
        "POST /api/v1/portal/invitations/": {"email": "new@corpus.example", "role": "editor"},
        # Issue 16: the operations the walk skipped (every field judged against an empty
        # body, so a bad value and a missing required field gave the same 400).
        "POST /api/v1/institutions/applications/": {
            "name": "Corpus Asset Management",
            "type": "fund_company",
            "licence_number": "CSRC-2026-0001",
            "registered_address": "1 Corpus Road, Shanghai",
            "website": "https://corpus.example",
            "contact_name": "Li Corpus",
            "contact_email": "li@corpus.example",
            "description": "A fund company.",
            "requested_kinds": ["fund"],
        },
        "POST /api/v1/me/assessments/": {"version": _questionnaire_version(), "answers": answers},
        "POST /api/v1/me/cards/": {"card_number": sandbox_card_number("declined")},
        "POST /api/v1/me/coupons/": {"code": "CORPUS10"},
        "POST /api/v1/me/holdings/{slug}/election/": {"election": "reinvest"},
        "PATCH /api/v1/me/holdings/{slug}/election/": {"election": "reinvest"},
        "POST /api/v1/me/identity/": {
            "legal_name": "Alex Corpus",
            "document_type": "passport",
            "document_number": "E12345678",
            "date_of_birth": "1990-05-17",
            "nationality": "GB",
        },
        "POST /api/v1/me/pin/": {"pin": "258013", "current_pin": TRADE_PIN},
        "PATCH /api/v1/me/plans/{id}/": {"amount": "200.00", "day": 9},
        "PATCH /api/v1/me/profile/": {
            "full_name": "Alex Corpus",
            "birth_year": 1990,
            "city": "shanghai",
        },
        "PATCH /api/v1/portal/campaigns/{id}/": {"title": "Winter offer"},
        "POST /api/v1/portal/coupons/": {
            "kind": "fee_discount",
            "name": "Winter coupon",
            "code": "WINTER10",
            "percent_off": "10",
            "products": [fund],
            "valid_until": (w["today"] + dt.timedelta(days=30)).isoformat(),
            "count": 10,
            "budget": "1000.00",
        },
        "POST /api/v1/portal/products/": {
            "kind": "fund",
            "fund_type": "bond",
            "name": "Corpus Bond Fund",
            "summary": "A bond fund.",
            "description": "It holds bonds.",
            "risk_level": "R2",
            "min_purchase": "10.00",
            "code": "100999",
            "terms": {"management_fee_rate": "0.006", "custody_fee_rate": "0.002"},
            "subscription_tiers": [{"lower": "0", "upper": None, "rate": "0.015"}],
            "redemption_tiers": [
                {"lower": "0", "upper": "7", "rate": "0.015"},
                {"lower": "7", "upper": None, "rate": "0"},
            ],
        },
        "PATCH /api/v1/portal/products/{slug}/": {"name": "Corpus Draft Fund"},
        "POST /api/v1/portal/products/{slug}/distributions/": {
            "amount_per_unit": "0.0100",
            "record_date": tomorrow,
            "ex_date": (w["today"] + dt.timedelta(days=2)).isoformat(),
            "pay_date": (w["today"] + dt.timedelta(days=3)).isoformat(),
        },
        "POST /api/v1/portal/products/{slug}/nav/corrections/": {
            "date": "2026-11-03",
            "nav": "1.0100",
            "reason": "The custodian restated the bond prices.",
        },
        "POST /api/v1/portal/products/{slug}/reports/": {
            "year": 2026,
            "period": "q3",
            "fund_size": "100000000.00",
            "fund_size_date": "2026-09-30",
            "benchmark_name": "CSI Bond Index",
            "benchmark_return_1y_percent": "3.20",
            "managers": [{"name": "Wang Corpus", "since": "2020-01-01", "bio": "Bonds."}],
            "allocation": {"stocks": "0", "bonds": "90", "cash": "10", "other": "0"},
        },
    }


def _questionnaire_version() -> str:
    questionnaire = Questionnaire.objects.filter(is_active=True).order_by("-pk").first()
    return questionnaire.version if questionnaire else ""


def _url(operation: str, objects: dict) -> tuple[str, str, object | None]:
    method, path = operation.split(" ", 1)
    target = None
    for prefix, obj in objects.items():
        if path.startswith(prefix):
            target = obj
            param = re.search(r"\{(\w+)\}", prefix).group(1)
            path = path.replace(
                "{" + param + "}", str(getattr(obj, param if param != "id" else "pk"))
            )
    path = re.sub(r"\{\w+\}", "999999", path)  # a part not set up: a 404, still never a 5xx
    return method.lower(), path, target


def _tables() -> list[str]:
    local = {"institutions", "products", "orders", "profiles", "marketplace", "accounts"}
    names = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in local or model.__module__.split(".")[0] in local:
            if not model._meta.proxy and model._meta.managed:
                names.append(model._meta.db_table)
    return sorted(set(names))


def _counts(tables: list[str]) -> tuple:
    """Every table's row count in one query (the table names are the models', quoted)."""
    counts = sql.SQL(", ").join(
        sql.SQL("(SELECT count(*) FROM {})").format(sql.Identifier(t)) for t in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT {}").format(counts).as_string(cursor.connection))
        return cursor.fetchone()


def _row(obj) -> dict | None:
    if obj is None:
        return None
    return type(obj).objects.filter(pk=obj.pk).values().first()


def _client(client, w, path):
    user = w["admin"] if path.startswith("/api/v1/portal/") else w["investor"]
    if path == "/api/v1/me/identity/":
        user = w["newcomer"]
    client.force_login(user)
    return client


def _upload(value: str):
    if value == "file:wrong":  # a program named as a document
        return SimpleUploadedFile("statement.pdf", b"MZ\x90\x00" + b"\x00" * 60, "application/pdf")
    return SimpleUploadedFile("big.csv", b"a" * OVERSIZED, "text/csv")
