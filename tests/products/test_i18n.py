"""Products in both languages (issue 14): bilingual names and summaries with a fallback, the
catalogue search in either language and by Chinese fund types and kinds, the portal form's two
names, the API's fields, and the Chinese product pages.

The page tests need the compiled catalogue (locale/zh_Hans); the name and search tests do not.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from institutions.models import InstitutionType, ProductKind, Role
from products.demo import listings, names_zh
from products.models import FundType, Product, RiskLevel
from products.templatetags.catalogue import change_rows
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _bilingual(**kwargs):
    return ProductFactory(
        name_en="Harbour Steady Bond A",
        name_zh_hans="港湾稳健债券A",
        summary_en="Government bonds for steady income.",
        summary_zh_hans="主要投资国债，追求稳健收益。",
        **kwargs,
    )


def _slugs(client, query, **headers):
    response = client.get("/api/v1/products/", {"q": query}, **headers)
    assert response.status_code == 200
    return {item["slug"] for item in response.json()["results"]}


# --- names: the active language's, else the other ------------------------------------------


def test_the_name_follows_the_active_language_and_falls_back_to_the_other():
    product = _bilingual()
    english_only = ProductFactory(name_en="Only English", name_zh_hans="")
    chinese_only = ProductFactory(name_en="", name_zh_hans="只有中文")
    with translation.override("zh-hans"):
        assert Product.objects.get(pk=product.pk).name == "港湾稳健债券A"
        assert Product.objects.get(pk=english_only.pk).name == "Only English"
    with translation.override("en"):
        assert Product.objects.get(pk=product.pk).name == "Harbour Steady Bond A"
        assert Product.objects.get(pk=product.pk).summary == "Government bonds for steady income."
        assert Product.objects.get(pk=chinese_only.pk).name == "只有中文"


def test_the_api_serves_both_names_beside_the_request_language(client):
    product = _bilingual()
    item = client.get(f"/api/v1/products/{product.slug}/", **ZH).json()
    assert item["name"] == "港湾稳健债券A"
    assert item["name_zh_hans"] == "港湾稳健债券A"
    assert item["name_en"] == "Harbour Steady Bond A"
    assert item["summary_en"] == "Government bonds for steady income."
    assert client.get(f"/api/v1/products/{product.slug}/", **EN).json()["name"] == (
        "Harbour Steady Bond A"
    )


# --- search -----------------------------------------------------------------------------------


def test_search_finds_either_language_whatever_the_page_language(client):
    product = _bilingual()
    ProductFactory(name_en="Something Else", name_zh_hans="别的产品")
    for headers in (ZH, EN):
        assert _slugs(client, "港湾", **headers) == {product.slug}
        assert _slugs(client, "harbour steady", **headers) == {product.slug}
        assert _slugs(client, "国债", **headers) == {product.slug}


def test_search_finds_fund_types_and_kinds_by_their_chinese_and_english_words(client):
    institution = InstitutionFactory(type=InstitutionType.FINANCIAL_GROUP)
    bond = ProductFactory(institution=institution, name="Alpha", fund_type=FundType.BOND)
    cash = ProductFactory(
        institution=institution, name="Beta", fund_type=FundType.MONEY_MARKET, summary="Cash."
    )
    equity = ProductFactory(
        institution=institution, name="Gamma", fund_type=FundType.EQUITY, summary="Shares."
    )
    cover = ProductFactory(
        institution=institution,
        name="Delta",
        kind=ProductKind.INSURANCE,
        fund_type="",
        code=None,
        summary="Cover.",
    )
    assert _slugs(client, "债券", **ZH) == {bond.slug}
    assert _slugs(client, "债券基金", **EN) == {bond.slug}
    assert _slugs(client, "货币", **ZH) == {cash.slug}
    assert _slugs(client, "money-market", **EN) == {cash.slug}
    assert _slugs(client, "股票", **ZH) == {equity.slug}
    assert _slugs(client, "保险", **ZH) == {cover.slug}
    assert _slugs(client, "insurance", **EN) == {cover.slug}
    assert _slugs(client, "型", **ZH) == set()  # one character names no type


# --- the portal form: both names, Chinese first -----------------------------------------------


FUND_POST = {
    "risk_level": "2",
    "description": "",
    "min_purchase": "10",
    "fund_type": "bond",
    "code": "520999",
    "management_fee_rate": "0.6",
    "custody_fee_rate": "0.2",
    "subscription_tiers": "0 - : 1.5%",
    "redemption_tiers": "0 - 7 : 1.5%\n7 - : 0%",
}


@pytest.fixture
def editor_client(client):
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    client.force_login(MembershipFactory(institution=institution, role=Role.EDITOR).user)
    return client


def test_the_portal_form_asks_for_the_chinese_name_first(editor_client):
    page = editor_client.get("/portal/products/new/?kind=fund").content.decode()
    assert page.index('name="name_zh_hans"') < page.index('name="name_en"')
    assert 'name="summary_zh_hans"' in page
    assert 'name="summary_en"' in page


def test_the_portal_form_saves_both_names_and_one_is_enough(editor_client):
    response = editor_client.post(
        "/portal/products/new/?kind=fund",
        {
            **FUND_POST,
            "kind": "fund",
            "name_zh_hans": "港湾绿色债券A",
            "name_en": "Harbour Green Bond A",
            "summary_zh_hans": "绿色债券。",
            "summary_en": "",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(code="520999")
    assert (product.name_zh_hans, product.name_en) == ("港湾绿色债券A", "Harbour Green Bond A")
    assert product.slug.startswith("harbour-green-bond-a")
    with translation.override("en"):
        assert product.summary == "绿色债券。"  # no English summary: the Chinese one shows


def test_the_portal_form_needs_a_name_in_some_language(editor_client):
    response = editor_client.post(
        "/portal/products/new/?kind=fund",
        {**FUND_POST, "kind": "fund", "name_zh_hans": "", "name_en": "", "summary_en": "Bonds."},
    )
    assert response.status_code == 400  # the form again, with its errors
    assert response.context["form"].has_error("name_zh_hans", code="required")
    assert not Product.objects.filter(code="520999").exists()


# --- the demo has both languages --------------------------------------------------------------


def test_every_demo_listing_has_a_chinese_name_and_summary():
    for spec in listings.FUNDS:
        assert names_zh.FUND_NAMES_ZH[spec.code], spec.name
        assert spec.theme == "" or spec.theme in names_zh.THEMES_ZH, spec.theme
        assert not any(c.isascii() and c.isalpha() for c in names_zh.fund_summary_zh(spec)[:2])
    for spec in listings.INSURANCE:
        name, summary = names_zh.INSURANCE_ZH[spec.name]
        assert name
        assert summary
    for spec in listings.SAVINGS:
        assert names_zh.SAVINGS_NAMES_ZH[spec.name]


# --- Chinese pages and messages (need the compiled catalogue) ---------------------------------


def test_the_catalogue_speaks_chinese_with_chinese_names_and_yuan(client):
    _bilingual(min_purchase=Decimal("1000"))
    page = client.get("/products/", **ZH).content.decode()
    assert "基金、保险和存款" in page
    assert "港湾稳健债券A" in page
    assert "Harbour Steady Bond A" not in page
    assert "¥1,000" in page
    assert "R2 · 中低风险" in page
    english = client.get("/products/", **EN).content.decode()
    assert "Harbour Steady Bond A" in english
    assert "CNY 1,000" in english


def test_the_product_page_speaks_chinese(client):
    product = _bilingual()
    page = client.get(f"/products/{product.slug}/", **ZH).content.decode()
    for text in ("港湾稳健债券A", "主要条款", "申购费", "赎回费", "风险提示", "债券型基金"):
        assert text in page, text


def test_a_money_market_page_speaks_chinese(client):
    product = _bilingual(fund_type=FundType.MONEY_MARKET, headline_fee_rate=Decimal(0))
    page = client.get(f"/products/{product.slug}/", **ZH).content.decode()
    assert "七日年化" in page
    assert "免申购费和赎回费" in page


def test_choice_labels_and_fee_bands_are_chinese_under_a_chinese_override():
    with translation.override("zh-hans"):
        assert str(RiskLevel.R4.label) == "R4 · 中高风险"
        assert str(FundType.BOND.label) == "债券型"
        rows = change_rows(
            {"redemption_tiers": [[], [{"lower": "0", "upper": "7", "rate": "0.015"}]]}
        )
        assert rows[0]["label"] == "赎回费"
        assert rows[0]["new"] == ["不满7天：1.5%"]


def test_the_public_page_cache_keeps_one_copy_per_language(client):
    """An anonymous Chinese visit must not hand its cached page to the next English one."""
    _bilingual()
    assert "港湾稳健债券A" in client.get("/products/", **ZH).content.decode()
    english = client.get("/products/", **EN).content.decode()
    assert "Harbour Steady Bond A" in english
    assert "港湾稳健债券A" not in english
