"""``{% card_fit profile product as fit %}``: how a product fits the signed-in investor's risk
level on a catalogue card (``profiles.selectors.suitability_for``), or None without a valid
assessment (the card then says nothing; the product page offers the questionnaire)."""

from django import template

from profiles.selectors import assessment_is_valid, suitability_for

register = template.Library()


@register.simple_tag
def card_fit(profile, product):
    if not assessment_is_valid(profile):
        return None
    return suitability_for(profile=profile, product_risk=product.risk_level)


def card_fits(profile, products) -> dict:
    """``card_fit`` for each of ``products`` by id, the assessment's validity judged once (a
    page of cards asked the date forty times)."""
    if not assessment_is_valid(profile):
        return {}
    fits: dict = {}
    for product in products:
        if product.risk_level not in fits:
            fits[product.risk_level] = suitability_for(
                profile=profile, product_risk=product.risk_level
            )
    return {product.pk: fits[product.risk_level] for product in products}
