"""The shared messages speak the requester's language (issue 14): API validation errors keep
their codes and carry the Chinese message under ``Accept-Language: zh-hans``; amount errors,
the shell's pages and CSV titles are Chinese in Chinese; a cached public page is never served in
the other language. (They need the compiled catalogue: ``make messages``.)"""

from __future__ import annotations

import copy
import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from institutions.models import InstitutionType, Role
from marketplace import csv_export
from marketplace.api import exception_handler
from marketplace.fields import DECIMAL_TOO_LARGE, DecimalStringField
from marketplace.forms import MoneyField
from marketplace.money import AMOUNT_MESSAGES, format_cny, parse_amount
from marketplace.validators import MARKUP, plain_text
from products.serializers import MONEY_MAX
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory
from tests.products.test_portal_api import FUND

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
CJK = r"[\u4e00-\u9fff]"


def chinese(text) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def test_a_validator_error_through_the_api_handler_is_chinese_with_the_same_code():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as caught:
            plain_text("<b>bold</b>")
        response = exception_handler(caught.value, {})
        (detail,) = response.data["non_field_errors"]
        assert detail.code == "markup"
        assert str(detail) == str(MARKUP)
        assert chinese(detail)
        assert "<" in str(detail)  # the characters to remove are still named
    with translation.override("en"):
        assert str(MARKUP).startswith("Plain text only")


@pytest.mark.django_db
def test_an_api_validation_error_follows_accept_language_and_keeps_its_code(client):
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    client.force_login(MembershipFactory(institution=institution, role=Role.EDITOR).user)
    body = copy.deepcopy(FUND)
    body["min_purchase"] = "1e999999"
    response = client.post("/api/v1/portal/products/", body, content_type="application/json", **ZH)
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = str(DECIMAL_TOO_LARGE).format(maximum=Decimal(MONEY_MAX))
    assert response.json()["min_purchase"] == [expected]
    assert chinese(expected)

    english = client.post(
        "/api/v1/portal/products/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert english.json()["min_purchase"][0].startswith("Enter at most")


def test_the_decimal_field_error_is_chinese_and_its_code_unchanged():
    field = DecimalStringField(places=2, maximum=100)
    with translation.override("zh-hans"), pytest.raises(serializers.ValidationError) as caught:
        field.run_validation("100.001")
    assert caught.value.get_codes() == ["too_precise"]
    assert chinese(caught.value.detail[0])
    assert "2" in str(caught.value.detail[0])


def test_amount_errors_are_chinese():
    with translation.override("zh-hans"):
        with pytest.raises(ValueError, match=CJK) as caught:
            parse_amount("abc", maximum=Decimal(1000))
        assert str(caught.value) == str(AMOUNT_MESSAGES["not_number"])
        assert chinese(caught.value)
        with pytest.raises(ValueError, match=CJK) as caught:
            parse_amount("5000", maximum=Decimal(1000))
        assert "1,000" in str(caught.value)

        field = MoneyField(positive=True)
        with pytest.raises(ValidationError) as caught:
            field.clean("0")
        assert caught.value.code == "not_positive"
        assert chinese(caught.value.messages[0])
        with pytest.raises(ValidationError) as caught:
            field.clean("1,00")
        assert caught.value.code == "invalid"
        assert chinese(caught.value.messages[0])
        assert format_cny(Decimal("1234.5")) == "¥1,234.50"
    with translation.override("en"):
        assert format_cny(Decimal("1234.5")) == "CNY 1,234.50"


def test_csv_titles_are_written_in_the_active_language():
    labels = [gettext_lazy("Products"), gettext_lazy("Orders")]

    def header(language):
        buffer = io.StringIO()
        with translation.override(language):
            csv_export.writer(buffer).writeheader(labels)
        return next(csv.reader(io.StringIO(buffer.getvalue())))

    assert header("en") == ["Products", "Orders"]
    assert header("zh-hans") == ["产品", "订单"]


@pytest.mark.django_db
def test_the_shell_is_chinese_and_the_error_pages_too(client):
    home = client.get("/", **ZH).content.decode()
    assert '<html lang="zh-hans">' in home
    for text in ["财富市场", "浏览产品", "适当性优先", "免费注册", "跳到正文", "投资有风险"]:
        assert text in home, text
    assert "Browse products" not in home

    missing = client.get("/no-such-page/", **ZH)
    assert missing.status_code == 404
    assert "找不到该页面" in missing.content.decode()


@pytest.mark.django_db
def test_a_cached_public_page_is_never_served_in_the_other_language(client):
    product = ProductFactory()
    for path in ["/products/", f"/products/{product.slug}/"]:
        assert '<html lang="zh-hans">' in client.get(path, **ZH).content.decode(), path
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<html lang="en">' in english, path
        assert '<html lang="zh-hans">' in client.get(path, **ZH).content.decode(), path


def test_the_500_page_is_in_the_request_language():
    with translation.override("zh-hans"):
        page = render_to_string("500.html")
    assert '<html lang="zh-hans">' in page
    assert "系统出了点问题" in page
    with translation.override("en"):
        page = render_to_string("500.html")
    assert '<html lang="en">' in page
    assert "Something went wrong on our side" in page
