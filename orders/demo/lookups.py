"""The demo's look-ups of what the other apps' demos seeded: a published product by fund code
(or kind) and a fund's editor."""

from __future__ import annotations

from products.models import Product, ProductKind


def published_product(code_or_kind: str) -> Product | None:
    products = Product.objects.filter(status="published")
    if code_or_kind in ProductKind.values:
        return products.filter(kind=code_or_kind).order_by("risk_level", "pk").first()
    return products.filter(code=code_or_kind).first()


def fund_editor(product: Product):
    for membership in product.institution.memberships.select_related("user").order_by("pk"):
        if membership.has_role("editor"):
            return membership.user
    return None
