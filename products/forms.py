"""Portal and staff forms for products. They check shape and convert units (percent → fraction,
tier text → tiers); the services judge the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from institutions.models import ProductKind
from marketplace.forms import MoneyField, PercentField, WholeNumberField
from marketplace.validators import plain_text

from .fees import format_tiers, parse_tiers
from .models import (
    TERMS_FIELDS,
    ArticleKind,
    DocumentKind,
    FeeSchedule,
    FundType,
    Product,
    RiskLevel,
)
from .services import nav_file_check_size

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class TiersField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 5, "class": "mono"})

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=2000, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_tiers(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


SUBSCRIPTION_HELP = _(
    'One band per line, by amount in CNY: "0 - 500000 : 1.5%", … and an open-ended last band, '
    'e.g. "5000000 - : fixed 1000".'
)
REDEMPTION_HELP = _(
    'One band per line, by days held: "0 - 7 : 1.5%", "7 - 30 : 0.75%", … "730 - : 0%". '
    "Under 7 days must be at least 1.5%."
)
NAME_REQUIRED = _("Give the name in Chinese or in English (or both).")
SUMMARY_REQUIRED = _("Give the summary in Chinese or in English (or both).")
NAMES = ("name_zh_hans", "name_en", "summary_zh_hans", "summary_en")


class ProductForm(forms.Form):
    """Every field a listing of ``kind`` has; ``split()`` hands the service what it takes."""

    # Both languages, Chinese first; one is enough (pages fall back to it), see clean().
    name_zh_hans = forms.CharField(
        label=_("Name in Chinese"), max_length=120, required=False, validators=[plain_text]
    )
    name_en = forms.CharField(
        label=_("Name in English"), max_length=120, required=False, validators=[plain_text]
    )
    risk_level = forms.TypedChoiceField(
        label=_("Risk level"), choices=RiskLevel.choices, coerce=int
    )
    summary_zh_hans = forms.CharField(
        label=_("Summary in Chinese"),
        max_length=300,
        required=False,
        validators=[plain_text],
        help_text=_("One sentence for the catalogue."),
    )
    summary_en = forms.CharField(
        label=_("Summary in English"),
        max_length=300,
        required=False,
        validators=[plain_text],
        help_text=_("One sentence for the catalogue."),
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        validators=[plain_text],
        label=_("Description"),
        help_text=_("Checked against the marketing rules before it is published."),
    )
    min_purchase = MoneyField(label=_("Minimum purchase (CNY)"), **MONEY)

    KIND_FIELDS = {
        ProductKind.FUND: {
            "fund_type": lambda: forms.ChoiceField(label=_("Fund type"), choices=FundType.choices),
            "code": lambda: forms.RegexField(
                regex=r"^\d{6}$",
                label=_("Fund code"),
                error_messages={"invalid": _("A fund code is exactly 6 digits.")},
            ),
            "management_fee_rate": lambda: PercentField(label=_("Management fee (% a year)")),
            "custody_fee_rate": lambda: PercentField(label=_("Custody fee (% a year)")),
            "subscription_tiers": lambda: TiersField(
                label=_("Subscription fees"), help_text=SUBSCRIPTION_HELP
            ),
            "redemption_tiers": lambda: TiersField(
                label=_("Redemption fees"), help_text=REDEMPTION_HELP
            ),
        },
        ProductKind.INSURANCE: {
            "premium": lambda: MoneyField(label=_("Premium (CNY)"), **MONEY),
            "coverage_amount": lambda: MoneyField(label=_("Coverage (CNY)"), **MONEY),
            "term_months": lambda: WholeNumberField(label=_("Term (months)"), min_value=1),
            "cooling_off_days": lambda: WholeNumberField(
                label=_("Cooling-off period (days)"), min_value=15, initial=15
            ),
            "cancellation_fee": lambda: MoneyField(
                label=_("Cancellation fee in the cooling-off period (CNY, at most 10)"),
                max_digits=6,
                decimal_places=2,
                min_value=0,
                max_value=10,
                initial=0,
            ),
            "premium_years": lambda: WholeNumberField(
                label=_("Premium-paying years (1 for a single premium)"),
                min_value=1,
                max_value=100,
                initial=1,
            ),
            "waiting_days": lambda: WholeNumberField(
                label=_("Waiting period (days)"), min_value=0, max_value=365, initial=0
            ),
            "claims": lambda: forms.CharField(
                label=_("How to claim"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[plain_text],
            ),
            "exclusions": lambda: forms.CharField(
                label=_("Exclusions"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[plain_text],
            ),
        },
        ProductKind.SAVINGS: {
            "term_months": lambda: WholeNumberField(label=_("Term (months)"), min_value=1),
            "annual_rate": lambda: PercentField(label=_("Annual rate (%)")),
            "early_withdrawal_rate": lambda: PercentField(
                label=_("Early-withdrawal rate (% a year)")
            ),
            "deposit_insured": lambda: forms.BooleanField(
                label=_("Covered by the national deposit insurance scheme"), required=False
            ),
        },
    }
    TERMS = TERMS_FIELDS

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, make in self.KIND_FIELDS[kind].items():
            self.fields[name] = make()
        if kind != ProductKind.SAVINGS:
            return
        self.fields["min_purchase"].label = _("Minimum deposit (CNY)")

    @classmethod
    def initial_for(cls, product: Product, terms, tiers: dict) -> dict:
        initial = {f: getattr(product, f) or "" for f in (*NAMES, "description")}
        initial["risk_level"] = product.risk_level
        initial["min_purchase"] = product.min_purchase
        if product.kind == ProductKind.FUND:
            initial.update(fund_type=product.fund_type, code=product.code)
            for schedule in FeeSchedule.values:
                initial[f"{schedule}_tiers"] = format_tiers(tiers.get(schedule, []))
        for name in cls.TERMS[product.kind]:
            initial[name] = getattr(terms, name, None)
        return initial

    def clean(self):
        data = super().clean()
        if not (data.get("name_zh_hans") or data.get("name_en")):
            self.add_error("name_zh_hans", forms.ValidationError(NAME_REQUIRED, code="required"))
        if not (data.get("summary_zh_hans") or data.get("summary_en")):
            self.add_error(
                "summary_zh_hans", forms.ValidationError(SUMMARY_REQUIRED, code="required")
            )
        return data

    def split(self) -> dict:
        data = self.cleaned_data
        product = {f: data[f] for f in (*NAMES, "risk_level", "description", "min_purchase")}
        tiers = None
        if self.kind == ProductKind.FUND:
            product.update(fund_type=data["fund_type"], code=data["code"])
            tiers = {s: data[f"{s}_tiers"] for s in FeeSchedule.values}
        terms = {name: data.get(name) for name in self.TERMS[self.kind]}
        return {"product": product, "terms": terms, "fee_tiers": tiers}


class NavUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_('A CSV with the header "date,nav": dates as YYYY-MM-DD, NAV up to 4 decimals.'),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            nav_file_check_size(file=file)
        except ValidationError as exc:
            raise forms.ValidationError(exc.error_dict["file"]) from exc
        return file


class StaffNavUploadForm(NavUploadForm):
    """Staff publishing NAV for an institution (a suspended one, say): the reason is audited."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[plain_text],
        help_text=_("Why staff publish this NAV (kept on the product's audit log)."),
    )


class YieldUploadForm(NavUploadForm):
    """A money-market fund's daily yields: same file rules as NAV uploads."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            'A CSV with the header "date,income_per_10k,seven_day_yield": dates as YYYY-MM-DD, '
            "income per 10,000 units in CNY (up to 4 decimals), the 7-day yield as a fraction "
            "(0.0185 for 1.85%)."
        ),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[plain_text])
    file = forms.FileField(label=_("File"), help_text=_("PDF, at most 10 MB."))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[plain_text],
        label=_("Reason"),
        error_messages={"required": _("Give a reason; the institution will read it.")},
    )


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, validators=[plain_text])
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        validators=[plain_text],
    )
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("No product (about the institution)"),
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products


class CuratedListForm(forms.Form):
    """A curated list: title, blurb, and a place number for each product it holds (blank: not
    in the list). Products come from the institution's own (``products``)."""

    title = forms.CharField(label=_("Title"), max_length=120, validators=[plain_text])
    blurb = forms.CharField(
        label=_("Short description"),
        max_length=400,
        required=False,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences shown under the title. The marketing rules apply."),
    )

    def __init__(self, *args, products=(), placed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        placed = placed or {}
        for product in self.products:
            self.fields[self.place_name(product)] = WholeNumberField(
                label=product.name,
                required=False,
                min_value=1,
                max_value=99,
                initial=placed.get(product.pk),
            )

    @staticmethod
    def place_name(product) -> str:
        return f"place_{product.pk}"

    def place_fields(self):
        """(product, bound field) pairs, for the template's table."""
        return [(product, self[self.place_name(product)]) for product in self.products]

    def chosen_products(self) -> list:
        """The products given a place, in place order (ties: the order the form lists them)."""
        placed = [
            (self.cleaned_data[self.place_name(p)], i, p)
            for i, p in enumerate(self.products)
            if self.cleaned_data.get(self.place_name(p)) is not None
        ]
        return [p for _place, _i, p in sorted(placed, key=lambda row: row[:2])]
