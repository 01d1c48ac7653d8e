"""One currency format everywhere (issue 15): every amount of money on a page goes through the
``cny`` filter (``CNY 1,234.56`` / ``¥1,234.56``), or ``amount`` in a table whose heading names
the currency; no template formats money with ``floatformat`` or writes the currency itself."""

import re
from decimal import Decimal
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# A word in the expression that makes it an amount of money (``statement.fees``,
# ``row.gross_subscriptions``, ``total.value_end``) — units, NAVs and prices per unit are not.
MONEY_WORDS = {
    "amount", "amounts", "fee", "fees", "cost", "costs", "proceeds", "gain", "value", "paid",
    "purchases", "distributions", "income", "deposits", "withdrawals", "premium", "balance",
    "total", "totals", "principal", "net", "gross", "commission", "revenue", "payout", "cash",
    "subscriptions", "redemptions", "refunds", "maturities", "coupon", "coupons", "pnl",
    "interest", "reinvested", "upfront", "trail", "corrections", "budget", "payable", "buying",
    "selling", "coverage",
}  # fmt: skip
NOT_MONEY_LAST = {"units", "nav", "price"}
# The checkout's amount placeholder is what the investor types: a plain number, not a display.
ALLOWED = {("orders/checkout.html", "product.insurance_terms.premium")}
FLOATFORMAT = re.compile(r"([A-Za-z_][A-Za-z_0-9.]*)\|floatformat")
# The currency written around a value by hand, instead of by the filter.
HAND_WRITTEN = re.compile(r"(CNY|¥|RMB)\s*\{\{|\}\}\s*(CNY|元|RMB)|¥")
TRANSLATE_TAG = re.compile(r"\{%\s*translate\s+(\"[^\"]*\"|'[^']*')[^%]*%\}")


def _is_money(expr: str) -> bool:
    if expr.split(".")[-1] in NOT_MONEY_LAST:
        return False
    return any(token in MONEY_WORDS for token in re.split(r"[._]", expr))


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        yield path.relative_to(TEMPLATES).as_posix(), path.read_text(encoding="utf-8")


def test_no_template_formats_money_with_floatformat():
    stray = [
        f"{name}: {expr}|floatformat"
        for name, text in _templates()
        for expr in FLOATFORMAT.findall(text)
        if _is_money(expr) and (name, expr) not in ALLOWED
    ]
    assert stray == [], "format money with |cny (or |amount under a CNY heading):\n" + "\n".join(
        stray
    )


def test_no_template_writes_the_currency_by_hand():
    stray = []
    for name, text in _templates():
        for number, line in enumerate(text.splitlines(), 1):
            if HAND_WRITTEN.search(line):
                stray.append(f"{name}:{number}")
            # A bare "CNY" outside a translated string (an input's affix, a heading).
            bare = TRANSLATE_TAG.sub("", line)
            bare = re.sub(r"\{%\s*blocktranslate.*?endblocktranslate\s*%\}", "", bare)
            if re.search(r">\s*CNY\s*<", bare):
                stray.append(f"{name}:{number} (untranslated CNY)")
    assert stray == []


def test_the_money_check_catches_what_it_is_for():
    assert _is_money("statement.fees")
    assert _is_money("row.gross_subscriptions")
    assert _is_money("h.figures.value_end")
    assert not _is_money("order.units")
    assert not _is_money("product.latest_nav")
    assert HAND_WRITTEN.search("CNY {{ amount }}")
    assert HAND_WRITTEN.search("{{ amount }} CNY")
    assert HAND_WRITTEN.search("¥{{ amount }}")


def test_cny_and_amount_filters_agree_on_digits():
    template = Template("{{ v|cny }}|{{ v|amount }}|{{ w|amount:'-2' }}|{{ w|cny:'-2' }}")
    context = Context({"v": Decimal("1234567.005"), "w": Decimal("500000.00")})
    with translation.override("en"):
        assert template.render(context) == "CNY 1,234,567.01|1,234,567.01|500,000|CNY 500,000"
    with translation.override("zh-hans"):
        assert template.render(context) == "¥1,234,567.01|1,234,567.01|500,000|¥500,000"
