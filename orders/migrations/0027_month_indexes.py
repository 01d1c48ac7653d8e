"""The month each append-only table can be range-partitioned by, in an index (issue 16).

Orders (``placed_at``), commission entries (``accrual_date``) and inbox messages, offers among
them (``created_at``), already lead or follow their tenant or investor with it; cash entries,
order events and lot movements get theirs here (README "Scale-out path")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0026_watchlist_and_alerts")]

    operations = [
        migrations.AddIndex(
            model_name="cashentry",
            index=models.Index(
                fields=["account", "created_at"], name="cash_entry_account_month_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="lotmovement",
            index=models.Index(fields=["kind", "created_at"], name="lot_movement_month_idx"),
        ),
        migrations.AddIndex(
            model_name="orderevent",
            index=models.Index(fields=["order", "created_at"], name="order_event_month_idx"),
        ),
    ]
