"""No page promises what does not exist: a walk through the templates for the phrases a
review found, and the product page never tells the investor to read documents it lacks."""

from pathlib import Path

import pytest

from tests.factories import ProductFactory

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PROMISES = [
    "online orders open soon",
    "compare products side by side",
    "none until online orders open",
    "in your inbox",
    "coming soon",
]


@pytest.mark.parametrize("phrase", PROMISES)
def test_no_template_promises_what_does_not_exist(phrase):
    found = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if phrase in path.read_text().lower()
    ]
    assert found == []


@pytest.mark.django_db
def test_a_product_page_without_documents_never_tells_the_investor_to_read_them(client):
    product = ProductFactory()
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert "read the product documents" not in html
