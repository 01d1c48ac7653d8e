"""The investor journey in a real browser: profile, questionnaire, recommendations, suitability.

A new investor completes the profile and the questionnaire, lands on C3, sees R1–R3 products
recommended and an R4 product marked unsuitable with the warning; a C1 investor is refused an
R2 product outright.
"""

import pytest

from profiles.models import InvestorProfile, Questionnaire
from tests.e2e.test_catalogue import log_in
from tests.factories import ProductFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def answer_questionnaire(page, position: int) -> None:
    """Pick the option at ``position`` (1-based) of every question, then submit."""
    questionnaire = Questionnaire.objects.get(is_active=True)
    for question in questionnaire.questions.all():
        option = question.options.get(position=min(position, question.options.count()))
        page.check(f"input[name=q{question.pk}][value='{option.pk}']")


def test_new_investor_lands_on_c3_and_sees_suitable_products(new_page, shot):
    products = {r: ProductFactory(risk_level=r, name=f"Harbour R{r} Fund") for r in (1, 2, 3, 4)}
    UserFactory(email="li.hua@example.com")
    page = new_page()
    log_in(page, "li.hua@example.com")
    shot(page, "investor-home-before")

    page.goto("/me/profile/")
    page.fill("input[name=full_name]", "Li Hua")
    page.fill("input[name=birth_year]", "1993")
    page.select_option("select[name=city]", "hangzhou")
    page.select_option("select[name=income_band]", "150k_500k")
    page.select_option("select[name=investment_goal]", "balanced_growth")
    page.select_option("select[name=experience]", "2_5y")
    page.locator("form:has(input[name=full_name]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "profile-saved")

    page.goto("/me/risk/")
    answer_questionnaire(page, position=2)  # scores 37: the bottom of C3
    shot(page, "questionnaire-answered")
    page.locator("form:has(input[type=radio]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "risk-result")
    assert "C3" in page.content()
    assert InvestorProfile.objects.get(user__email="li.hua@example.com").risk_level == 3

    page.goto("/me/")
    shot(page, "recommendations")
    for risk in (1, 2, 3):
        assert page.locator(f"a[href='/products/{products[risk].slug}/']").count() >= 1
    assert page.locator(f"a[href='/products/{products[4].slug}/']").count() == 0

    page.goto(f"/products/{products[4].slug}/")
    shot(page, "r4-product-warning")
    html = page.content()
    assert "Above your risk level" in html
    assert "R4" in html
    page.goto(f"/products/{products[2].slug}/")
    assert "Suits your risk level" in page.content()
    assert page.csp_errors == []


def test_c1_investor_is_refused_an_r2_product_outright(new_page, shot):
    r2 = ProductFactory(risk_level=2, name="Harbour R2 Bond")
    UserFactory(email="careful@example.com")
    page = new_page(width=390, height=844)
    log_in(page, "careful@example.com")
    page.goto("/me/risk/")
    answer_questionnaire(page, position=4)
    # "I cannot accept any loss" is a knock-out answer: C1 whatever the other answers.
    knockout = Questionnaire.objects.get(is_active=True).questions.get(options__knockout=True)
    page.check(f"input[name=q{knockout.pk}][value='{knockout.options.get(knockout=True).pk}']")
    page.locator("form:has(input[type=radio]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "c1-result")
    assert "C1" in page.content()
    page.goto(f"/products/{r2.slug}/")
    shot(page, "c1-refused-r2")
    html = page.content()
    assert "You cannot buy this product" in html
    assert "R1 products only" in html
