"""No English left on a Chinese page (issue 14): the main pages of every role, rendered with
``Accept-Language: zh-hans``, carry no run of English words except names the data itself
holds (products, institutions, e-mail addresses) and the market's own abbreviations."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from institutions.models import Institution
from orders import services as orders
from orders.models import BankCard
from products.models import NavPrice, Product
from tests import factories

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
# Words that are the same in a Chinese finance app: abbreviations, codes, the language switch.
ALLOWED = re.compile(
    r"\b(?:CNY|QDII|ETF|API|NAV|PIN|EN|CSV|PDF|OK|ID|TOTP|MFA|URL|[CR][1-5]|T\+\d|"
    r"iPhone|Android|Google|Authenticator|Microsoft|Fortune Market)\b"
)
ENGLISH_RUN = re.compile(r"[A-Za-z][a-z]+(?:[ \t]+[A-Za-z][a-z]+)+")
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _Text(HTMLParser):
    """The text a person reads or hears: visible text and the attributes read out or shown."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "svg", "code", "pre"}:
            self.skipping += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style", "svg", "code", "pre"} and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def english_left(html: str, data: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for name in data:
            part = part.replace(name, " ")
        part = re.sub(r"\S+@\S+", " ", ALLOWED.sub(" ", part))
        found += [m.group(0) for m in ENGLISH_RUN.finditer(part)]
    return found


@pytest.fixture
def world(clock):
    """A fund and a money-market fund of an approved institution, an investor holding the fund,
    its editor and a member of staff."""
    fund = factories.ProductFactory(risk_level=2)
    factories.ProductFactory(institution=fund.institution, fund_type="money_market", risk_level=1)
    investor = factories.investor_with_cash(cash="20000")
    order, _ = orders.order_place(user=investor, product=fund, side="buy", amount="10150")
    NavPrice.objects.get_or_create(product=fund, date=order.trade_date, defaults={"nav": 1})
    clock.set(order.trade_date, 20)
    orders.end_of_day(run_date=order.trade_date)
    editor = factories.MembershipFactory(institution=fund.institution).user
    return {"fund": fund, "investor": investor, "editor": editor, "staff": factories.StaffFactory()}


def _data_names() -> list[str]:
    """What the data itself says (names, summaries, descriptions in either language): the
    factories write it in English, and it is the institution's text, not the product's."""
    names: list[str] = []
    for model, fields in (
        (Product, ["name_en", "name_zh_hans", "summary_en", "summary_zh_hans", "description"]),
        (Institution, ["name_en", "name_zh_hans", "description_en", "description_zh_hans"]),
        (BankCard, ["bank_name"]),
    ):
        for row in model.objects.values_list(*fields):
            names += [text for text in row if text]
    return sorted(set(names), key=len, reverse=True)


def _pages(world):
    slug = world["fund"].slug
    return [
        (
            None,
            [
                "/",
                "/products/",
                f"/products/{slug}/",
                "/institutions/",
                "/about/ranking/",
                "/accounts/login/",
                "/accounts/signup/",
            ],
        ),
        (
            world["investor"],
            [
                "/me/",
                "/me/portfolio/",
                "/me/orders/",
                "/me/cash/",
                f"/products/{slug}/buy/",
                "/me/risk/",
                "/me/profile/",
            ],
        ),
        (world["editor"], ["/portal/", "/portal/products/", "/portal/orders/"]),
        (world["staff"], ["/staff/"]),
    ]


def test_the_main_pages_in_chinese_leave_no_english(client, world):
    leftovers = {}
    for user, paths in _pages(world):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            response = client.get(path, **ZH)
            assert response.status_code == 200, (path, response.status_code)
            assert response["Content-Language"] == "zh-hans", path
            found = english_left(response.content.decode(), _data_names())
            if found:
                leftovers[path] = sorted(set(found))[:8]
    assert not leftovers, leftovers


def test_the_scan_finds_english_and_passes_names_and_abbreviations():
    html = (
        '<p title="Buy now">净值 NAV 1.0000 · R2 · <b>Steady Bond</b></p>'
        "<script>var notText = 'Some English';</script>"
    )
    assert english_left(html, data=["Steady Bond"]) == ["Buy now"]
