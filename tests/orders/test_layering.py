"""DESIGN §2: trading (orders/services/, the order, confirmation and end-of-day code) sits below
campaigns and plans; it never imports them, and the steps they add to end of day register
themselves instead."""

import re
from pathlib import Path

from orders.plans.distributions.services.payment import distributions_pay
from orders.services.end_of_day import AFTER_CONFIRMATION

TRADING = Path(__file__).resolve().parents[2] / "orders" / "services"
# Sub-packages of orders/services/ too (``...plans`` from one of their modules).
LATER = re.compile(r"^\s*(?:from|import)\s+(?:orders\.|\.\.+)(campaigns|plans|insight)\b", re.M)


def test_trading_never_imports_the_sub_packages_built_on_it():
    found = [
        f"{path.relative_to(TRADING)}: {match.group(0).strip()}"
        for path in sorted(TRADING.rglob("*.py"))
        for match in LATER.finditer(path.read_text())
    ]
    assert found == []


def test_end_of_day_pays_distributions_through_the_registered_step_once():
    assert AFTER_CONFIRMATION.count(distributions_pay) == 1
