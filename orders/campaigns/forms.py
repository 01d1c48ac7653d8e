"""The portal's campaign form: shape only; the service decides what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import WholeNumberField
from marketplace.validators import plain_text
from products.models import Product
from profiles.models import AgeCohort, City, RiskCategory

from ..coupons.models import Coupon
from .models import Campaign, Trigger
from .services import MAX_DELAY_HOURS, MAX_PURCHASE_DAYS

DELAY_UNITS = [("hours", _("hours")), ("days", _("days"))]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, validators=[plain_text])
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        validators=[plain_text],
    )
    trigger = forms.ChoiceField(
        label=_("Trigger"), choices=Trigger.choices, widget=forms.RadioSelect
    )
    product = forms.ModelChoiceField(
        label=_("After a confirmed purchase of"),
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
    )
    delay = WholeNumberField(
        label=_("Delay after the purchase"), min_value=0, max_value=MAX_DELAY_HOURS, initial=0
    )
    delay_unit = forms.ChoiceField(label=_("Unit"), choices=DELAY_UNITS, initial="days")
    send_at = forms.DateTimeField(
        label=_("Send at (Asia/Shanghai)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    risk_levels = forms.TypedMultipleChoiceField(
        label=_("Risk levels"),
        choices=RiskCategory.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every level."),
    )
    age_cohorts = forms.MultipleChoiceField(
        label=_("Age cohorts"),
        choices=AgeCohort.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every age."),
    )
    cities = forms.MultipleChoiceField(
        label=_("Cities"),
        choices=City.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every city."),
    )
    holders_of = forms.ModelChoiceField(
        label=_("Only holders of"),
        queryset=Product.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("Anyone"),
    )
    purchased_min_days = WholeNumberField(
        label=_("Bought from you at least … days ago"),
        min_value=0,
        max_value=MAX_PURCHASE_DAYS,
        required=False,
    )
    purchased_max_days = WholeNumberField(
        label=_("… and at most … days ago"),
        min_value=0,
        max_value=MAX_PURCHASE_DAYS,
        required=False,
    )

    coupon = forms.ModelChoiceField(
        label=_("Coupon or card given with the offer"),
        queryset=Coupon.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("One of your active coupons; every recipient finds it in their wallet."),
    )

    def __init__(self, *args, products=None, coupons=None, **kwargs):
        super().__init__(*args, **kwargs)
        if products is not None:
            self.fields["product"].queryset = products
            self.fields["holders_of"].queryset = products
        if coupons is not None:
            self.fields["coupon"].queryset = coupons

    @staticmethod
    def initial_for(campaign: Campaign) -> dict:
        days = campaign.delay_hours % 24 == 0
        return {
            "title": campaign.title,
            "body": campaign.body,
            "trigger": campaign.trigger,
            "product": campaign.product.slug if campaign.product else None,
            "delay": campaign.delay_hours // 24 if days else campaign.delay_hours,
            "delay_unit": "days" if days else "hours",
            "send_at": campaign.send_at,
            "risk_levels": campaign.risk_levels,
            "age_cohorts": campaign.age_cohorts,
            "cities": campaign.cities,
            "holders_of": campaign.holders_of.slug if campaign.holders_of else None,
            "purchased_min_days": campaign.purchased_min_days,
            "purchased_max_days": campaign.purchased_max_days,
            "coupon": campaign.coupon_id,
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        delay, unit = data.pop("delay") or 0, data.pop("delay_unit")
        data["delay_hours"] = delay * 24 if unit == "days" else delay
        return data
