"""Orders and lots keep the terms the investor agreed to (DESIGN §4). Rows that exist already
get them from what was charged where that is known (a confirmed fund buy's fee), else from the
product's terms as they are now."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import F

from products.fees import Tier, subscription_band


def backfill(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    Lot = apps.get_model("orders", "Lot")
    Product = apps.get_model("products", "Product")
    FeeTier = apps.get_model("products", "FeeTier")
    SavingsTerms = apps.get_model("products", "SavingsTerms")
    InsuranceTerms = apps.get_model("products", "InsuranceTerms")
    buys = Order.objects.filter(side="buy")
    for terms in SavingsTerms.objects.all():
        agreed = {
            "annual_rate": terms.annual_rate,
            "term_months": terms.term_months,
            "early_withdrawal_rate": terms.early_withdrawal_rate,
        }
        buys.filter(product_id=terms.product_id).update(**agreed)
        Lot.objects.filter(holding__product_id=terms.product_id, source="purchase").update(**agreed)
    for terms in InsuranceTerms.objects.all():
        agreed = {"cancellation_fee": terms.cancellation_fee}
        buys.filter(product_id=terms.product_id).update(**agreed)
        Lot.objects.filter(holding__product_id=terms.product_id, source="purchase").update(**agreed)
    funds = buys.filter(kind="fund")
    # A confirmed buy agreed to what it was charged.
    charged = funds.filter(status__in=["confirmed", "settled"])
    charged.filter(fee_rate__isnull=False).update(subscription_rate=F("fee_rate"))
    charged.filter(fee_rate__isnull=True, fee__isnull=False).update(
        subscription_fixed_fee=F("fee")
    )
    for product in Product.objects.filter(kind="fund"):
        money_market = product.fund_type == "money_market"
        tiers = {"subscription": [], "redemption": []}
        if not money_market:
            for t in FeeTier.objects.filter(product=product):
                tiers[t.schedule].append(Tier(t.lower, t.upper, t.rate, t.fixed_fee))
        redemption = [t.as_dict() for t in tiers["redemption"]]
        funds.filter(product=product).update(redemption_tiers=redemption)
        Lot.objects.filter(holding__product=product, source="purchase").update(
            redemption_tiers=redemption
        )
        rest = funds.filter(
            product=product, subscription_rate__isnull=True, subscription_fixed_fee__isnull=True
        )
        for order in rest.only("pk", "amount"):
            band = (
                subscription_band(tiers=tiers["subscription"], amount=order.amount)
                if tiers["subscription"] and order.amount
                else None
            )
            fixed = band.fixed_fee if band is not None else None
            rest.filter(pk=order.pk).update(
                subscription_rate=None if fixed is not None else (band.rate if band else 0),
                subscription_fixed_fee=fixed,
            )


class Migration(migrations.Migration):

    dependencies = [
        ('institutions', '0003_platform_institution'),
        ('orders', '0011_navrules_corrections_notices'),
        ('products', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='lot',
            name='annual_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name='lot',
            name='cancellation_fee',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name='lot',
            name='early_withdrawal_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name='lot',
            name='redemption_tiers',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lot',
            name='term_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='annual_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='cancellation_fee',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='early_withdrawal_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='redemption_tiers',
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='subscription_fixed_fee',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=18, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='subscription_rate',
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name='order',
            name='term_months',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('subscription_rate__isnull', True), ('subscription_fixed_fee__isnull', True), _connector='OR'), name='order_band_rate_or_fixed_fee'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
