"""Listings, review, revisions, NAV uploads and articles."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from institutions.models import InstitutionStatus, InstitutionType, Role
from marketplace.dates import months_before
from products import services
from products.fees import parse_tiers
from products.models import (
    Article,
    ArticleStatus,
    FeeTier,
    NavPrice,
    Product,
    ProductEvent,
    ProductRevision,
    ProductStatus,
)
from tests.factories import (
    REDEMPTION_TIERS,
    SUBSCRIPTION_TIERS,
    InstitutionFactory,
    MembershipFactory,
    NavPriceFactory,
    ProductFactory,
    StaffFactory,
    attach_required_documents,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund_company():
    return InstitutionFactory(type=InstitutionType.FUND_COMPANY)


@pytest.fixture
def editor(fund_company):
    return MembershipFactory(institution=fund_company, role=Role.EDITOR).user


def fund_kwargs(**overrides):
    values = {
        "kind": "fund",
        "fund_type": "bond",
        "name": "Harbour Steady Bond A",
        "code": "519001",
        "risk_level": 2,
        "summary": "Government and high-grade corporate bonds.",
        "description": "Aims for steady income with low volatility.",
        "min_purchase": Decimal("10.00"),
        "terms": {"management_fee_rate": Decimal("0.006"), "custody_fee_rate": Decimal("0.002")},
        "fee_tiers": {
            "subscription": parse_tiers(SUBSCRIPTION_TIERS),
            "redemption": parse_tiers(REDEMPTION_TIERS),
        },
    }
    values.update(overrides)
    return values


def create_fund(institution, actor, **overrides):
    return services.product_create(institution=institution, actor=actor, **fund_kwargs(**overrides))


def test_editor_creates_a_draft_fund_with_its_fee_schedule(fund_company, editor):
    product = create_fund(fund_company, editor)
    assert product.status == ProductStatus.DRAFT
    assert product.fee_tiers.count() == 9
    assert product.headline_fee_rate == Decimal("0.015")
    assert product.fund_terms.management_fee_rate == Decimal("0.006")
    assert product.events.get().kind == "created"


def test_products_named_alike_or_without_ascii_letters_get_distinct_slugs(fund_company, editor):
    first = create_fund(fund_company, editor, name="稳健债券", code="519101")
    second = create_fund(fund_company, editor, name="稳健债券", code="519102")
    third = create_fund(fund_company, editor, code="519103")
    fourth = create_fund(fund_company, editor, code="519104")
    assert (first.slug, second.slug) == ("product", "product-2")
    assert (third.slug, fourth.slug) == ("harbour-steady-bond-a", "harbour-steady-bond-a-2")


def test_an_institution_lists_only_the_kinds_its_type_allows(fund_company, editor):
    with pytest.raises(ValidationError) as err:
        services.product_create(
            institution=fund_company,
            actor=editor,
            kind="savings",
            name="Sneaky Deposit",
            risk_level=1,
            summary="x",
            min_purchase=Decimal("100"),
            terms={"term_months": 12, "annual_rate": Decimal("0.02"), "early_withdrawal_rate": 0},
        )
    assert "kind" in err.value.message_dict
    assert not Product.objects.exists()


def test_analysts_read_but_cannot_create(fund_company):
    analyst = MembershipFactory(institution=fund_company, role=Role.ANALYST).user
    with pytest.raises(PermissionDenied):
        create_fund(fund_company, analyst)
    assert not Product.objects.exists()


def test_a_suspended_institution_cannot_change_listings(editor, fund_company):
    fund_company.status = InstitutionStatus.SUSPENDED
    fund_company.save()
    with pytest.raises(PermissionDenied):
        create_fund(fund_company, editor)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "12345"}, "code"),
        ({"code": None}, "code"),
        ({"fund_type": ""}, "fund_type"),
        ({"risk_level": 6}, "risk_level"),
        ({"min_purchase": Decimal("-1")}, "min_purchase"),
        ({"name": "<script>x</script>"}, "name"),
        ({"name": "n" * 5000}, "name"),
        (
            {"fee_tiers": {"subscription": parse_tiers("0 - 100 : 1%"), "redemption": []}},
            "subscription_tiers",
        ),
        (
            {
                "fee_tiers": {
                    "subscription": parse_tiers(SUBSCRIPTION_TIERS),
                    "redemption": parse_tiers("0 - : 0.5%"),
                }
            },
            "redemption_tiers",
        ),
        (
            {"terms": {"management_fee_rate": Decimal("0.2"), "custody_fee_rate": 0}},
            "management_fee_rate",
        ),
    ],
)
def test_bad_listings_are_field_errors_and_save_nothing(fund_company, editor, overrides, field):
    with pytest.raises(ValidationError) as err:
        create_fund(fund_company, editor, **overrides)
    assert field in err.value.message_dict, err.value.message_dict
    assert not Product.objects.exists()
    assert not FeeTier.objects.exists()


def test_a_fund_code_is_listed_once(fund_company, editor):
    create_fund(fund_company, editor)
    with pytest.raises(ValidationError) as err:
        create_fund(fund_company, editor, name="Copy")
    assert err.value.message_dict == {"code": [services.FUND_CODE_TAKEN.format(code="519001")]}


def test_insurance_cooling_off_and_cancellation_fee_limits():
    insurer = InstitutionFactory(type=InstitutionType.INSURER)
    editor = MembershipFactory(institution=insurer, role=Role.EDITOR).user
    base = {
        "kind": "insurance",
        "name": "Young Family Term Life",
        "risk_level": 1,
        "summary": "Term life cover.",
        "min_purchase": Decimal("0"),
    }
    terms = {
        "premium": Decimal("1200"),
        "coverage_amount": Decimal("500000"),
        "term_months": 12,
        "cooling_off_days": 10,
        "cancellation_fee": Decimal("12"),
    }
    with pytest.raises(ValidationError) as err:
        services.product_create(institution=insurer, actor=editor, terms=terms, **base)
    assert {"cooling_off_days", "cancellation_fee"} <= set(err.value.message_dict)
    terms.update(cooling_off_days=15, cancellation_fee=Decimal("10"))
    product = services.product_create(institution=insurer, actor=editor, terms=terms, **base)
    assert product.insurance_terms.cooling_off_days == 15


def test_lifecycle_draft_review_published_closed_with_audit_rows(fund_company, editor):
    staff = StaffFactory()
    product = create_fund(fund_company, editor)
    with pytest.raises(ValidationError):
        services.product_approve(product=product, actor=staff, reason="skip review")
    services.product_submit(product=product, actor=editor)
    with pytest.raises(PermissionDenied):
        services.product_approve(product=product, actor=editor, reason="self-approve")
    with pytest.raises(ValidationError):
        services.product_approve(product=product, actor=staff, reason="")
    attach_required_documents(product, uploaded_by=editor)
    services.product_approve(product=product, actor=staff, reason="Prospectus checked.")
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED
    assert product.published_at is not None
    services.product_close(product=product, actor=editor, reason="Fund merged.")
    product.refresh_from_db()
    assert product.status == ProductStatus.CLOSED
    kinds = list(product.events.order_by("pk").values_list("kind", "actor"))
    assert kinds == [
        ("created", editor.pk),
        ("submitted", editor.pk),
        ("approved", staff.pk),
        ("closed", editor.pk),
    ]


def test_rejection_sends_the_product_back_to_draft_with_the_reason(fund_company, editor):
    product = create_fund(fund_company, editor)
    services.product_submit(product=product, actor=editor)
    services.product_reject(product=product, actor=StaffFactory(), reason="Fee table incomplete.")
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    assert product.events.filter(kind="rejected", reason="Fee table incomplete.").exists()


def test_a_description_that_breaks_the_marketing_rules_cannot_be_submitted(fund_company, editor):
    product = create_fund(
        fund_company, editor, description="The fund returned 9% over 3 months. Buy now."
    )
    with pytest.raises(ValidationError) as err:
        services.product_submit(product=product, actor=editor)
    assert any("returned 9% over 3 months" in m for m in err.value.message_dict["description"])
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_changing_fees_or_risk_of_a_published_product_waits_for_review(fund_company, editor):
    staff = StaffFactory()
    product = ProductFactory(institution=fund_company, risk_level=2)
    result = services.product_update(
        product=product,
        actor=editor,
        changes={"risk_level": 3, "summary": "Now with some equities."},
        fee_tiers={"subscription": parse_tiers("0 - : 1.2%")},
    )
    product.refresh_from_db()
    assert product.summary == "Now with some equities."  # free field: at once
    assert product.risk_level == 2  # material: not yet
    assert product.headline_fee_rate == Decimal("0.015")
    revision = result.revision
    assert set(revision.changes) == {"risk_level", "subscription_tiers"}
    with pytest.raises(ValidationError, match="already waiting"):
        services.product_update(product=product, actor=editor, changes={"risk_level": 4})
    services.revision_approve(revision=revision, actor=staff, reason="Reclassified correctly.")
    product.refresh_from_db()
    assert product.risk_level == 3
    assert product.headline_fee_rate == Decimal("0.012")
    assert ProductRevision.objects.get().status == "approved"
    events = list(product.events.order_by("pk").values_list("kind", flat=True))
    assert events == ["changed", "change_submitted", "change_approved"]


def test_an_invalid_change_to_a_published_product_is_refused_at_once(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    with pytest.raises(ValidationError):
        services.product_update(
            product=product,
            actor=editor,
            changes={},
            fee_tiers={"redemption": parse_tiers("0 - : 0%")},
        )
    assert not ProductRevision.objects.exists()


def test_rejected_revision_leaves_the_product_unchanged(fund_company, editor):
    product = ProductFactory(institution=fund_company, risk_level=2)
    result = services.product_update(product=product, actor=editor, changes={"risk_level": 1})
    services.revision_reject(revision=result.revision, actor=StaffFactory(), reason="Not R1.")
    product.refresh_from_db()
    assert product.risk_level == 2


# --- NAV uploads ---------------------------------------------------------------------------


CSV = """date,nav
2026-01-05,1.0012
2026-01-06,1.0030
2026-01-07,0
2026-01-08,1.00301
not-a-date,1.1
2026-01-09,abc
2026-01-06,1.0031
2026-01-12,-1
2099-01-01,1.2
2026-01-13,1.0100
"""


def test_nav_csv_upload_reports_each_row_and_saves_the_good_ones(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    NavPriceFactory(product=product, date=dt.date(2026, 1, 13), nav=Decimal("1.0000"))
    report = services.nav_upload(
        product=product, actor=editor, rows=services.parse_nav_csv(CSV.encode())
    )
    by_line = {r.line: (r.outcome, r.message) for r in report.rows}
    assert by_line[2] == ("added", "")
    assert by_line[3][0] == "rejected"
    assert "more than once" in by_line[3][1]
    assert by_line[4] == ("rejected", services.NAV_NOT_POSITIVE)
    assert by_line[5] == ("rejected", services.NAV_TOO_PRECISE)
    assert by_line[6] == ("rejected", services.NAV_BAD_DATE)
    assert by_line[7] == ("rejected", services.NAV_NOT_NUMBER)
    assert by_line[8][0] == "rejected"
    assert "line 3" in by_line[8][1]
    assert by_line[9] == ("rejected", services.NAV_NOT_POSITIVE)
    assert by_line[10] == ("rejected", services.NAV_FUTURE)
    assert by_line[11] == ("updated", "")
    assert (report.added, report.updated, len(report.rejected)) == (1, 1, 8)
    saved = dict(NavPrice.objects.filter(product=product).values_list("date", "nav"))
    assert saved == {
        dt.date(2026, 1, 5): Decimal("1.0012"),
        dt.date(2026, 1, 13): Decimal("1.0100"),
    }
    product.refresh_from_db()
    assert (product.latest_nav, product.latest_nav_date) == (
        Decimal("1.0100"),
        dt.date(2026, 1, 13),
    )


@pytest.mark.parametrize("text", ["when,price\n2026-01-01,1", "", b"\xff\xfe\x00bad"])
def test_unreadable_csv_is_a_clear_error(text):
    with pytest.raises(ValidationError) as err:
        services.parse_nav_csv(text)
    assert "file" in err.value.message_dict


def test_nav_upload_is_bulk(fund_company, editor, django_assert_max_num_queries):
    product = ProductFactory(institution=fund_company)
    start = dt.date(2005, 1, 1)
    rows = [(i, str(start + dt.timedelta(days=i)), "1.0001") for i in range(5000)]
    # A handful of queries, whatever the row count (SQLite caps a statement at 999 variables,
    # so there it takes ~15 insert batches; PostgreSQL takes one).
    with django_assert_max_num_queries(40):
        report = services.nav_upload(product=product, actor=editor, rows=rows)
    assert report.added == 5000


def test_returns_are_shown_only_where_the_series_covers_the_period(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    end = timezone.localdate() - dt.timedelta(days=1)
    rows = [
        (i, str(end - dt.timedelta(days=200 - i)), str(Decimal("1.0000") + Decimal(i) / 10000))
        for i in range(201)
    ]
    services.nav_upload(product=product, actor=editor, rows=rows)
    product.refresh_from_db()
    assert product.return_6m is not None
    assert product.return_1y is None
    assert product.return_since_launch == Decimal("0.020000")


def test_period_figures_follow_the_series_and_stay_empty_where_it_is_short(fund_company, editor):
    """1M/3M returns, the day's change, and drawdown/volatility over a year come from the NAV
    series; the 3-year figures stay empty for a fund with 400 days of prices."""
    product = ProductFactory(institution=fund_company)
    end = timezone.localdate() - dt.timedelta(days=1)
    # Rises 1 bp a day, with one dip of 10 % on day 300 that recovers the next day.
    navs = {}
    for i in range(401):
        navs[end - dt.timedelta(days=400 - i)] = Decimal("1.0000") + Decimal(i) / 10000
    dip_day = end - dt.timedelta(days=100)
    navs[dip_day] = (navs[dip_day] * Decimal("0.9")).quantize(Decimal("0.0001"))
    rows = [(i + 2, str(day), str(nav)) for i, (day, nav) in enumerate(sorted(navs.items()))]
    services.nav_upload(product=product, actor=editor, rows=rows)
    product.refresh_from_db()
    latest = navs[end]
    month_ago = navs[months_before(end, 1)]
    assert product.return_1m == (latest / month_ago - 1).quantize(Decimal("0.000001"))
    assert product.return_3m is not None
    assert product.return_1y is not None
    assert product.return_3y is None
    assert product.day_change == (latest / navs[end - dt.timedelta(days=1)] - 1).quantize(
        Decimal("0.000001")
    )
    # The peak is the day before the dip; the dip takes 10 % of a price one step higher.
    assert Decimal("0.0985") < product.max_drawdown_1y < Decimal("0.1")
    assert product.volatility_1y is not None
    assert product.volatility_1y > 0
    assert product.max_drawdown_3y is None
    assert product.volatility_3y is None


def test_money_market_funds_take_no_nav_upload(fund_company, editor):
    product = ProductFactory(institution=fund_company, fund_type="money_market", risk_level=1)
    with pytest.raises(ValidationError):
        services.nav_upload(product=product, actor=editor, rows=[(2, "2026-01-05", "1.0")])


# --- documents and articles ---------------------------------------------------------------


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


def test_resubmitting_unchanged_terms_written_differently_is_not_a_change(fund_company, editor):
    """``0.006`` typed in a form is the stored ``0.006000``: only the summary changes."""
    product = ProductFactory(institution=fund_company)
    result = services.product_update(
        product=product,
        actor=editor,
        changes={"summary": "New words.", "min_purchase": Decimal("10"), "risk_level": 2},
        terms={"management_fee_rate": Decimal("0.006"), "custody_fee_rate": Decimal("0.0020")},
        fee_tiers={
            "subscription": parse_tiers(SUBSCRIPTION_TIERS),
            "redemption": parse_tiers(REDEMPTION_TIERS),
        },
    )
    assert result.revision is None
    assert set(result.applied) == {"summary"}
    assert not ProductRevision.objects.exists()


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


def test_staff_review_a_change_on_its_page(client, fund_company, editor):
    product = ProductFactory(institution=fund_company, risk_level=2)
    revision = services.product_update(
        product=product, actor=editor, changes={"risk_level": 3}
    ).revision
    client.force_login(StaffFactory())
    url = f"/staff/revisions/{revision.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "approve", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "approve", "reason": "Correct."}).status_code == 302
    product.refresh_from_db()
    assert product.risk_level == 3


def test_a_description_claiming_what_no_product_may_claim_cannot_be_submitted(fund_company, editor):
    product = create_fund(fund_company, editor, description="A risk-free fund for everyone.")
    with pytest.raises(ValidationError) as err:
        services.product_submit(product=product, actor=editor)
    assert any("risk-free" in m for m in err.value.message_dict["description"])


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
