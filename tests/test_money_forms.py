"""Every money form takes amounts the way people type them ("1,000", "1,000.50") through one
field class, and refuses what nobody means ("1,00", "1.2.3")."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from institutions.forms import CommissionContractForm
from marketplace.forms import GROUPING_INVALID, MoneyField
from orders.forms import CheckoutForm, DepositForm, SellForm, WithdrawalForm
from products.forms import ProductForm


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1000", Decimal("1000")),
        ("1,000", Decimal("1000")),
        ("1,000.50", Decimal("1000.50")),
        (" 12,345,678.9 ", Decimal("12345678.9")),
    ],
)
def test_money_field_accepts_thousands_separators(typed, value):
    assert MoneyField(positive=True).clean(typed) == value


@pytest.mark.parametrize("typed", ["1,00", "1.2.3", ",100", "1,,000", "1,0000", "1.000,50"])
def test_money_field_refuses_misplaced_separators(typed):
    field = MoneyField(positive=True)
    with pytest.raises(ValidationError) as err:
        field.clean(typed)
    assert err.value.code == "invalid"
    assert err.value.messages in ([GROUPING_INVALID], [MoneyField().error_messages["invalid"]])


def test_money_field_refuses_zero_when_positive():
    with pytest.raises(ValidationError) as err:
        MoneyField(positive=True).clean("0")
    assert err.value.code == "not_positive"


def test_every_money_form_uses_the_one_money_field():
    forms = [
        DepositForm().fields["amount"],
        WithdrawalForm().fields["amount"],
        CheckoutForm().fields["amount"],
        SellForm().fields["units"],
        ProductForm(kind="fund").fields["min_purchase"],
        ProductForm(kind="insurance").fields["premium"],
        ProductForm(kind="insurance").fields["coverage_amount"],
        ProductForm(kind="insurance").fields["cancellation_fee"],
    ]
    assert all(isinstance(field, MoneyField) for field in forms)
    assert 'type="text"' in str(DepositForm()["amount"])  # a number box refuses "1,000"


def test_commission_form_takes_percentages_and_stores_fractions():
    form = CommissionContractForm()
    assert form.fields["upfront_rate"].clean("1.50") == Decimal("0.015")
    assert form.fields["upfront_rate"].prepare_value(Decimal("0.0150")) == "1.50"
