"""Insurance and savings pages speak their own language (issue 15): cover, premium, waiting
period and claims; rate, term, early withdrawal and deposit insurance; never a fund's returns,
NAV or "Invest in this product". The catalogue card shows a deposit's rate and a policy's cover
where a fund shows its return, and each kind's buy button says what the buyer does."""

import re
from decimal import Decimal

import pytest

from institutions.models import ProductKind
from products.models import InsuranceTerms, SavingsTerms
from tests.factories import ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db

# What only a fund page may say (the investment template's words).
INVESTMENT_PHRASES = (
    "returns are steady",
    "Invest in this product",
    "past performance",
    "Price history",
    "Latest NAV",
    "1-year return",
    "6-month return",
    "Since launch",
    "Invest regularly",
    "value of investments can fall",
)


def _main(response) -> str:
    """The page's own content (the site footer's general risk line is not the product's)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", main)


def _insurance(**terms):
    product = ProductFactory(kind=ProductKind.INSURANCE, code=None, risk_level=1)
    InsuranceTerms.objects.filter(product=product).update(
        **{
            "premium_years": 20,
            "waiting_days": 90,
            "claims": "Call 95510 within 10 days of the event.",
            "exclusions": "Suicide in the first two years of cover.",
            **terms,
        }
    )
    return product


def _savings(**terms):
    product = ProductFactory(kind=ProductKind.SAVINGS, code=None, risk_level=1)
    SavingsTerms.objects.filter(product=product).update(**{"deposit_insured": True, **terms})
    return product


def test_insurance_page_shows_cover_premium_waiting_period_and_claims(client):
    product = _insurance()
    page = _main(client.get(f"/products/{product.slug}/"))
    for words in (
        "Cover (sum assured)",
        "CNY 500,000",
        "CNY 1,200",
        "a year, for 20 years",
        "Premium-paying years",
        "Waiting period",
        "90 days",
        "How to claim",
        "Call 95510 within 10 days of the event.",
        "Exclusions",
        "Suicide in the first two years of cover.",
        "Cooling-off period",
        "Buy this cover",
        "A policy, not an investment",
    ):
        assert words in page, words
    for phrase in INVESTMENT_PHRASES:
        assert phrase.lower() not in page.lower(), phrase


def test_a_single_premium_policy_says_so(client):
    product = _insurance(premium_years=1, waiting_days=0)
    page = _main(client.get(f"/products/{product.slug}/"))
    assert "Single premium" in page
    assert "paid once" in page
    assert "a year, for" not in page


def test_savings_page_shows_rate_term_early_withdrawal_and_deposit_insurance(client):
    product = _savings()
    page = _main(client.get(f"/products/{product.slug}/"))
    for words in (
        "Annual rate",
        "2.1%",
        "12 months",
        "Interest payment",
        "Paid with your capital at maturity",
        "Early withdrawal",
        "0.2%",
        "Covered by the national deposit insurance scheme, up to CNY 500,000",
        "Open this deposit",
        "A fixed rate for a fixed term",
    ):
        assert words in page, words
    for phrase in INVESTMENT_PHRASES:
        assert phrase.lower() not in page.lower(), phrase


def test_a_deposit_outside_the_insurance_scheme_says_it_is_not_covered(client):
    product = _savings(deposit_insured=False)
    page = _main(client.get(f"/products/{product.slug}/"))
    assert "Not covered: this product is not a bank deposit" in page
    assert "Covered by the national deposit insurance scheme" not in page


def test_fund_page_keeps_the_investment_words(client):
    product = ProductFactory()
    page = _main(client.get(f"/products/{product.slug}/"))
    assert "Invest in this product" in page
    assert "Latest NAV" in page


@pytest.mark.parametrize(
    ("make", "label"),
    [(ProductFactory, "Buy"), (_insurance, "Buy cover"), (_savings, "Deposit")],
)
def test_each_kind_has_its_own_buy_button_on_the_page_and_in_the_buy_bar(client, make, label):
    product = make()
    client.force_login(investor_with_cash(level=3))
    html = client.get(f"/products/{product.slug}/").content.decode()
    checkout = f'href="/products/{product.slug}/buy/">{label}</a>'
    assert html.count(checkout) == 2  # the buy card and the phone's sticky bar
    assert 'class="buy-bar"' in html
    if label != "Buy":
        assert ">Buy</a>" not in html
        assert ">Invest regularly" not in html
        assert "Invest in this product" not in html


def test_the_buy_bar_leads_a_visitor_to_the_buy_card_that_asks_them_to_sign_in(client):
    product = _savings()
    html = client.get(f"/products/{product.slug}/").content.decode()
    bar = html[html.index('class="buy-bar"') :]
    assert 'href="#invest">Deposit</a>' in bar
    assert "Sign in to check suitability" in html


def test_catalogue_card_shows_a_deposits_rate_and_a_policys_cover(client):
    savings = _savings(annual_rate=Decimal("0.0175"), early_withdrawal_rate=Decimal("0.002"))
    insurance = _insurance(term_months=240)
    ProductFactory()
    html = re.sub(r"\s+", " ", client.get("/products/?page_size=100").content.decode())
    card = html[html.index(savings.name) :]
    card = card[: card.index("</article>")]
    assert "Annual rate" in card
    assert "1.75%" in card
    assert "12 months" in card
    assert "Not applicable" not in card
    assert "1-year return" not in card
    card = html[html.index(insurance.name) :]
    card = card[: card.index("</article>")]
    assert "Cover" in card
    assert "CNY 500,000" in card
    assert "Premium a year" in card
    assert "CNY 1,200" in card
    assert "20 years" in card
    assert "1-year return" not in card


def test_catalogue_of_every_kind_stays_within_a_query_budget(client, django_assert_max_num_queries):
    for _ in range(10):
        _savings()
        _insurance()
        ProductFactory()
    with django_assert_max_num_queries(12):
        response = client.get("/products/?page_size=100")
    assert response.content.decode().count("Annual rate") >= 10


# --- the portal form takes the new terms ------------------------------------------------------

INSURANCE_POST = {
    "kind": "insurance",
    "name_en": "Harbour Term Life 10",
    "name_zh_hans": "",
    "summary_en": "Ten years of life cover.",
    "summary_zh_hans": "",
    "risk_level": "1",
    "description": "",
    "min_purchase": "800",
    "premium": "800",
    "coverage_amount": "300000",
    "term_months": "120",
    "cooling_off_days": "15",
    "cancellation_fee": "0",
    "premium_years": "10",
    "waiting_days": "90",
    "claims": "Call 95500 within 10 days.",
    "exclusions": "Suicide in the first two years.",
}


@pytest.fixture
def insurer_client(client):
    from institutions.models import InstitutionType, Role
    from tests.factories import InstitutionFactory, MembershipFactory

    institution = InstitutionFactory(
        type=InstitutionType.INSURER, requested_kinds=[ProductKind.INSURANCE]
    )
    client.force_login(MembershipFactory(institution=institution, role=Role.EDITOR).user)
    return client


def test_the_portal_form_saves_a_policys_cover_terms(insurer_client):
    response = insurer_client.post("/portal/products/new/?kind=insurance", INSURANCE_POST)
    assert response.status_code == 302
    terms = InsuranceTerms.objects.get(product__name_en="Harbour Term Life 10")
    assert (terms.premium_years, terms.waiting_days) == (10, 90)
    assert terms.claims == "Call 95500 within 10 days."
    assert terms.exclusions == "Suicide in the first two years."


@pytest.mark.parametrize(
    ("field", "value"), [("premium_years", "0"), ("waiting_days", "400"), ("waiting_days", "")]
)
def test_the_portal_form_refuses_bad_cover_terms_and_saves_nothing(insurer_client, field, value):
    response = insurer_client.post(
        "/portal/products/new/?kind=insurance", {**INSURANCE_POST, field: value}
    )
    assert response.status_code == 400
    assert response.context["form"].has_error(field)
    assert not InsuranceTerms.objects.filter(product__name_en="Harbour Term Life 10").exists()


@pytest.mark.parametrize("insured", [True, False])
def test_the_portal_form_records_whether_deposit_insurance_covers_a_deposit(client, insured):
    from institutions.models import InstitutionType, Role
    from tests.factories import InstitutionFactory, MembershipFactory

    bank = InstitutionFactory(type=InstitutionType.BANK, requested_kinds=[ProductKind.SAVINGS])
    client.force_login(MembershipFactory(institution=bank, role=Role.EDITOR).user)
    post = {
        "kind": "savings",
        "name_en": "Harbour 6-Month Deposit",
        "summary_en": "A 6-month deposit.",
        "risk_level": "1",
        "min_purchase": "50",
        "term_months": "6",
        "annual_rate": "1.45",
        "early_withdrawal_rate": "0.2",
        **({"deposit_insured": "on"} if insured else {}),
    }
    assert client.post("/portal/products/new/?kind=savings", post).status_code == 302
    terms = SavingsTerms.objects.get(product__name_en="Harbour 6-Month Deposit")
    assert terms.deposit_insured is insured


def test_a_change_of_deposit_insurance_reads_yes_or_no_in_the_review():
    from products.templatetags.catalogue import change_rows

    (row,) = change_rows({"deposit_insured": [False, True]})
    assert (row["label"], row["old"], row["new"]) == ("Deposit insurance", ["No"], ["Yes"])
