"""Documents and articles: small PDFs only, the documents a kind requires before it is
published, public downloads, and articles held to the marketing rules."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from products import services
from products.models import Article, ArticleStatus, ProductEvent, ProductStatus
from tests.factories import ProductFactory, StaffFactory, attach_required_documents

pytestmark = pytest.mark.django_db


def test_documents_must_be_small_pdfs(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    fake = SimpleUploadedFile("prospectus.pdf", b"MZ\x90 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="PDF"):
        services.document_add(
            product=product, actor=editor, kind="prospectus", title="P", file=fake
        )
    real = SimpleUploadedFile(
        "p.pdf", b"%PDF-1.4\n%fake but fine\n", content_type="application/pdf"
    )
    document = services.document_add(
        product=product, actor=editor, kind="prospectus", title="Prospectus 2026", file=real
    )
    assert document.size == real.size
    assert ProductEvent.objects.filter(product=product, kind="document_added").exists()


def test_an_article_breaking_the_marketing_rules_is_blocked_with_the_sentence(fund_company, editor):
    article = services.article_save(
        institution=fund_company,
        actor=editor,
        kind="article",
        title="Our bond fund in 2026",
        body="Great news for savers. The fund returned 4% in 3 months!",
    )
    with pytest.raises(ValidationError) as err:
        services.article_publish(article=article, actor=editor)
    assert any("The fund returned 4% in 3 months!" in m for m in err.value.message_dict["body"])
    assert Article.objects.get().status == ArticleStatus.DRAFT
    article = services.article_save(
        institution=fund_company,
        actor=editor,
        article=article,
        kind="article",
        title="Our bond fund in 2026",
        body="Great news for savers. Over two years the fund (R2) returned 6.1%.",
    )
    services.article_publish(article=article, actor=editor)
    assert Article.objects.get().status == ArticleStatus.PUBLISHED


def test_documents_download_for_the_public_only_once_published(client, fund_company, editor):
    product = ProductFactory(institution=fund_company, status=ProductStatus.DRAFT)
    pdf = SimpleUploadedFile("p.pdf", b"%PDF-1.4\nhello\n", content_type="application/pdf")
    document = services.document_add(
        product=product, actor=editor, kind="prospectus", title="Prospectus 2026", file=pdf
    )
    url = f"/products/{product.slug}/documents/{document.pk}/"
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert 'filename="prospectus-2026.pdf"' in response["Content-Disposition"]
    client.logout()
    product.status = ProductStatus.PUBLISHED
    product.save()
    assert client.get(url).status_code == 200
    assert client.get(f"/products/other-slug/documents/{document.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "needed"),
    [
        ("fund", ["Prospectus", "Key facts"]),
        ("insurance", ["Policy terms"]),
        ("savings", ["Terms and conditions"]),
    ],
)
def test_staff_cannot_publish_a_product_without_the_documents_its_kind_requires(kind, needed):
    from products.documents import missing_documents

    product = ProductFactory(kind=kind, risk_level=1, status=ProductStatus.IN_REVIEW)
    assert missing_documents(product=product) == needed
    with pytest.raises(ValidationError) as err:
        services.product_approve(product=product, actor=StaffFactory(), reason="Looks fine.")
    assert err.value.code == "documents_missing"
    product.refresh_from_db()
    assert product.status == ProductStatus.IN_REVIEW
    assert not product.events.filter(kind="approved").exists()
    attach_required_documents(product)
    services.product_approve(product=product, actor=StaffFactory(), reason="Documents read.")
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED


def test_a_document_whose_file_is_gone_does_not_count(fund_company):
    from products.documents import missing_documents

    product = ProductFactory(institution=fund_company, status=ProductStatus.IN_REVIEW)
    attach_required_documents(product)
    prospectus = product.documents.get(kind="prospectus")
    prospectus.file.storage.delete(prospectus.file.name)
    assert missing_documents(product=product) == ["Prospectus"]


def test_the_staff_review_page_names_the_missing_documents_and_refuses_approval(client):
    product = ProductFactory(kind="savings", risk_level=1, status=ProductStatus.IN_REVIEW)
    client.force_login(StaffFactory())
    url = f"/staff/products/{product.slug}/"
    page = client.get(url).content.decode()
    assert "Missing before it can be published:</strong> Terms and conditions" in page
    response = client.post(url, {"action": "approve", "reason": "Fine."})
    assert response.status_code == 400
    assert "has not uploaded it yet" in response.content.decode()
    product.refresh_from_db()
    assert product.status == ProductStatus.IN_REVIEW


def test_generated_demo_pdfs_are_valid_pdfs():
    import re

    from products.documents import minimal_pdf

    pdf = minimal_pdf(title="Key facts (Bond Fund)", lines=["Risk R2", "Fees: see the table"])
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    xref_at = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[xref_at:].startswith(b"xref")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
