"""No float near money (DESIGN §4, STYLE "Money and units"): every model field of the four
apps, every form and serializer field, and every source file is checked, whatever module or
package it lives in (check-shape only reads files named models*.py, and the apps are packages
now). A field whose name says it holds money, units, a price or a rate is a DecimalField; a
FloatField is refused everywhere; the API writes decimals as JSON strings (DESIGN §7)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from rest_framework import serializers
from rest_framework.settings import api_settings

APPS = ("institutions", "products", "profiles", "orders")
# The words the models, forms and serializers use for money, units, prices and rates
# (read off their field names: amount_off, cost_basis, fees_collected, income_per_10k,
# latest_nav, payable_to_platform, seven_day_yield, trail_commission, units_remaining…).
MONEY_WORDS = frozenset(
    {
        "amount",
        "balance",
        "budget",
        "cash",
        "commission",
        "cost",
        "costs",
        "coverage",
        "discount",
        "distributions",
        "fee",
        "fees",
        "gross",
        "income",
        "interest",
        "maturities",
        "nav",
        "net",
        "payable",
        "premium",
        "price",
        "proceeds",
        "rate",
        "redemptions",
        "reinvested",
        "spent",
        "subscriptions",
        "trail",
        "units",
        "value",
        "yield",
    }
)
# Words that make a money-named field something else: a date, a time, a count of years.
# ("upfront" alone is not a money word: contract_upfront_basis names how the upfront
# commission is figured; upfront_rate and upfront_commission are caught by their other word.)
NOT_AN_AMOUNT = frozenset({"at", "date", "days", "on", "through", "years"})


def _says_money(name: str) -> bool:
    words = set(name.split("_"))
    return bool(words & MONEY_WORDS) and not words & NOT_AN_AMOUNT


def _model_field_problems(fields) -> list[str]:
    problems = []
    for field in fields:
        where = f"{field.model.__name__}.{field.name}" if hasattr(field, "model") else field.name
        if isinstance(field, models.FloatField):
            problems.append(f"{where} is a FloatField")
        elif (
            _says_money(field.name)
            and not field.is_relation
            and not field.choices  # an enumeration (income_band, upfront_basis), not an amount
            and not isinstance(field, models.DecimalField | models.BooleanField)
        ):
            problems.append(f"{where} is named for money but is a {type(field).__name__}")
    return problems


def _project_models():
    for label in APPS:
        yield from apps.get_app_config(label).get_models()


def test_every_money_model_field_is_a_decimal_and_none_is_a_float():
    problems = [
        problem
        for model in _project_models()
        for problem in _model_field_problems(model._meta.concrete_fields)
    ]
    assert not problems, "money must be a DecimalField (marketplace/money.py):\n" + "\n".join(
        problems
    )


def test_the_model_check_refuses_a_float_and_an_integer_amount_and_passes_dates():
    class Probe(models.Model):
        nav = models.FloatField()
        fee_amount = models.PositiveIntegerField()
        latest_nav_date = models.DateField()
        income_band = models.CharField(max_length=10, choices=[("low", "low")])
        premium_years = models.PositiveSmallIntegerField()
        price = models.DecimalField(max_digits=18, decimal_places=4)

        class Meta:
            app_label = "products"
            managed = False

    try:
        problems = _model_field_problems(Probe._meta.concrete_fields)
    finally:
        apps.all_models["products"].pop("probe", None)
        apps.clear_cache()
    assert problems == [
        "Probe.nav is a FloatField",
        "Probe.fee_amount is named for money but is a PositiveIntegerField",
    ]


def _project_modules():
    for label in (*APPS, "marketplace"):
        package = importlib.import_module(label)
        for info in pkgutil.walk_packages(package.__path__, f"{label}."):
            if ".migrations" in info.name or ".settings" in info.name:
                continue
            yield importlib.import_module(info.name)


def _form_and_serializer_fields():
    """(where, name, field) for every field of every form and serializer the apps define."""
    seen = set()
    for module in _project_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or cls in seen:
                continue
            seen.add(cls)
            if issubclass(cls, forms.BaseForm):
                fields = cls.base_fields
            elif issubclass(cls, serializers.BaseSerializer):
                try:
                    fields = cls().fields  # declared and model-derived fields alike
                except TypeError:  # needs arguments to be built: its declared fields at least
                    fields = getattr(cls, "_declared_fields", {})
            else:
                continue
            for field_name, field in fields.items():
                yield f"{module.__name__}.{name}.{field_name}", field_name, field


def _input_field_problems(fields) -> list[str]:
    problems = []
    for where, name, field in fields:
        kind = type(field).__name__
        if isinstance(field, forms.FloatField | serializers.FloatField):
            problems.append(f"{where} is a {kind}")
        elif _says_money(name) and (
            # forms.DecimalField is a forms.IntegerField, hence the second test
            isinstance(field, forms.IntegerField)
            and not isinstance(field, forms.DecimalField)
            or isinstance(field, serializers.IntegerField)
        ):
            problems.append(f"{where} is named for money but its type is {kind}")
        elif isinstance(field, serializers.DecimalField) and not getattr(
            field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING
        ):
            problems.append(f"{where} writes a JSON number (a float to most clients)")
    return problems


def test_forms_and_serializers_take_and_give_money_as_decimals():
    problems = _input_field_problems(_form_and_serializer_fields())
    assert not problems, "\n".join(problems)


def test_the_form_check_refuses_floats_integer_amounts_and_json_numbers():
    probes = [
        ("A.nav", "nav", forms.FloatField()),
        ("B.amount", "amount", serializers.IntegerField()),
        ("C.fee", "fee", serializers.DecimalField(18, 2, coerce_to_string=False)),
        ("D.amount", "amount", forms.DecimalField(max_digits=18, decimal_places=2)),
        ("E.day", "day", forms.IntegerField()),
        ("F.units", "units", serializers.DecimalField(18, 2)),
    ]
    assert _input_field_problems(probes) == [
        "A.nav is a FloatField",
        "B.amount is named for money but its type is IntegerField",
        "C.fee writes a JSON number (a float to most clients)",
    ]


FLOAT_FIELD = re.compile(r"\bFloat(?:Field|Filter)\b")


def test_no_source_file_declares_a_float_field():
    """Catches what the walks above cannot see: inline serializers, filters, admin forms."""
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}"
        for label in (*APPS, "marketplace")
        for path in sorted((root / label).rglob("*.py"))
        if "migrations" not in path.parts
        for text in [path.read_text(encoding="utf-8")]
        for match in FLOAT_FIELD.finditer(text)
    ]
    assert not found, f"FloatField declared (money is Decimal): {found}"
