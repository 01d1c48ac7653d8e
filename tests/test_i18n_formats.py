"""Money, dates and market colours follow the active language (issue 14), and django-allauth's
own Chinese reaches the sign-in pages. None of this needs our catalogue: ``¥`` and the grouping
come from marketplace.money, the date patterns from marketplace/formats, month names from
Django's catalogue, allauth's words from allauth's — so these pass before the merge too."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from marketplace.money import format_amount, format_cny
from marketplace.templatetags.money import DASH, cny, signed_cny

DAY = dt.date(2026, 12, 2)
MOMENT = dt.datetime(2026, 12, 2, 15, 5, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "CNY 1,234,567.89"), ("zh-hans", "¥1,234,567.89")],
)
def test_format_cny_uses_the_active_language_s_currency_mark(language, expected):
    with translation.override(language):
        assert format_cny(Decimal("1234567.885")) == expected  # half-up, grouped


def test_format_amount_places_follow_floatformat_rules_in_both_languages():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert format_amount(Decimal("1000"), -2) == "1,000"
            assert format_amount(Decimal("1000.5"), -2) == "1,000.50"
            assert format_amount(Decimal("1.23456"), 4) == "1.2346"


@pytest.mark.parametrize(
    ("language", "gain", "loss", "nothing"),
    [
        ("en", "+CNY 12.00", "\u2212CNY 12.00", "CNY 0.00"),
        ("zh-hans", "+¥12.00", "\u2212¥12.00", "¥0.00"),
    ],
)
def test_signed_cny_always_shows_the_sign(language, gain, loss, nothing):
    # Colour is never the only signal: red means a gain in Chinese and a loss in English.
    with translation.override(language):
        assert signed_cny("12") == gain
        assert signed_cny("-12") == loss
        assert signed_cny("0") == nothing
        assert cny("10000.1234", 4) == gain[1:].replace("12.00", "10,000.1234")
        assert cny(None) == signed_cny("not a number") == DASH


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "date", "datetime", "month"),
    [
        ("en", "2 December 2026", "2 December 2026, 15:05", "December 2026"),
        ("zh-hans", "2026年12月2日", "2026年12月2日 15:05", "2026年12月"),
    ],
)
def test_templates_format_dates_by_the_format_names(language, date, datetime, month):
    with translation.override(language):
        assert _render('{{ d|date:"DATE_FORMAT" }}', d=DAY) == date
        assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=DAY) in {date, "2 Dec 2026"}
        assert _render('{{ m|date:"DATETIME_FORMAT" }}', m=MOMENT) == datetime
        assert _render('{{ d|date:"YEAR_MONTH_FORMAT" }}', d=DAY) == month
        # ISO stays ISO in both (tables, exports)
        assert _render('{{ d|date:"Y-m-d" }}', d=DAY) == "2026-12-02"
        assert formats.get_format("DATE_FORMAT") == formats.get_format(
            "DATE_FORMAT", lang=translation.get_language()
        )


def test_templates_money_filters_need_no_load_and_follow_the_language():
    for language, expected in (
        ("en", "CNY 1,234.50 · +CNY 3.00"),
        ("zh-hans", "¥1,234.50 · +¥3.00"),
    ):
        with translation.override(language):
            assert _render("{{ a|cny }} · {{ b|signed_cny }}", a="1234.5", b="3") == expected


def test_weekday_names_come_from_django_s_own_catalogue():
    with translation.override("zh-hans"):
        assert _render('{{ d|date:"l" }}', d=DAY) == "星期三"
    with translation.override("en"):
        assert _render('{{ d|date:"l" }}', d=DAY) == "Wednesday"


# --- Market colours (static/css/app.css) -------------------------------------------------------

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text(encoding="utf-8")


def _rule(selector: str) -> str:
    match = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert match, f"no rule for {selector} in app.css"
    return match.group(1)


def test_gain_and_loss_classes_use_the_market_colour_properties():
    for selector, prop in [
        (".return--up", "var(--gain)"),
        (".return--down", "var(--loss)"),
        (".money--in", "var(--gain)"),
        (".money--out", "var(--loss)"),
        (".nav-chart--down .nav-chart__line", "var(--loss)"),
    ]:
        assert prop in _rule(selector), selector


def test_chinese_reverses_the_market_colours():
    english = _rule(":root")
    chinese = _rule(":root:lang(zh)")
    assert "--gain: var(--success)" in english
    assert "--loss: var(--danger)" in english
    # In Chinese a gain is red and a loss green: the hues, whatever the exact shade.
    gain = re.search(r"--gain:\s*#([0-9a-fA-F]{6});", chinese)
    loss = re.search(r"--loss:\s*#([0-9a-fA-F]{6});", chinese)
    assert gain, chinese
    assert loss, chinese
    r, g, _b = (int(gain.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    assert r > 2 * g, f"the Chinese gain #{gain.group(1)} is not red"
    r, g, _b = (int(loss.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    assert g > 2 * r, f"the Chinese loss #{loss.group(1)} is not green"


def test_the_font_stack_names_the_standard_cjk_fonts_after_the_latin_ones():
    stack = re.search(r"--font:([^;]+);", CSS).group(1)
    names = [name.strip().strip('"') for name in stack.split(",")]
    assert names[-1] == "sans-serif"
    cjk = ["PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"]
    assert all(name in names for name in cjk), names
    assert min(names.index(n) for n in cjk) > names.index("Roboto")


# --- django-allauth's own catalogue -----------------------------------------------------------


@pytest.mark.django_db
def test_allauth_forms_speak_chinese_from_allauth_s_catalogue(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密码" in page  # the password field's label: allauth's msgid "Password"
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "密码" in page
    assert 'lang="zh-hans"' in page


@pytest.mark.django_db
def test_allauth_form_errors_come_out_chinese(client):
    response = client.post(
        "/accounts/login/",
        {"login": "nobody@example.com", "password": "wrong-password-1"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
    assert re.search(r"[\u4e00-\u9fff]", errors), errors  # allauth's zh_Hans


def test_no_style_depends_on_translated_text():
    # data-label, aria-label, title and placeholder are translated: a selector on their English
    # value silently stops matching on a Chinese page (pick cells by column or by class).
    keyed = re.findall(r"\[(?:data-label|aria-label|title|placeholder|alt)=[^\]]*\]", CSS)
    assert not keyed, keyed


def test_the_language_cookie_is_lax_for_a_year_and_secure_in_production():
    from tests.test_production_settings import run_production

    assert settings.LANGUAGE_COOKIE_SAMESITE == "Lax"
    assert settings.LANGUAGE_COOKIE_AGE >= 365 * 24 * 3600
    result = run_production(
        "from django.conf import settings as s; "
        "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax"]
