"""Texts the services stored in English (cash entries, order history) read in the reader's
language: fixed ones by their msgid, ones with a value by the pattern the service wrote."""

import pytest
from django.utils import translation

from orders.templatetags.stored_text import stored_text


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("Top-up", "充值"),
        ("Top-up from Sandbox Bank •••• 0015", "从Sandbox Bank •••• 0015充值"),
        ("Buy Steady Bond A", "申购Steady Bond A"),
        (
            "Confirmed at NAV 1.0312 of 2026-11-12: 970.00 units.",
            "按 2026-11-12 的净值 1.0312 确认：970.00 份。",
        ),
        ("1,000.00 paid into your cash.", "¥1,000.00 已转入您的现金余额。"),
        ("Deposit confirmed; it matures on 2027-03-01.", "存款已确认，2027-03-01 到期。"),
        ("Something no service writes", "Something no service writes"),
        ("", ""),
    ],
)
def test_stored_texts_read_in_chinese(stored, expected):
    with translation.override("zh-hans"):
        assert stored_text(stored) == expected


def test_in_english_they_read_as_stored():
    with translation.override("en"):
        assert stored_text("Confirmed at NAV 1.0312 of 2026-11-12: 970.00 units.") == (
            "Confirmed at NAV 1.0312 of 2026-11-12: 970.00 units."
        )
        assert stored_text("1,000.00 paid into your cash.") == "CNY 1,000.00 paid into your cash."
