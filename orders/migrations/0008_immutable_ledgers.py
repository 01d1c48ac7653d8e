"""Ledger lines cannot change once written (DESIGN §4: entries are immutable; corrections are
new entries). On PostgreSQL a trigger refuses UPDATE and DELETE of cash entries and commission
entries; a commission entry may only be attached to the statement that settles it."""

from django.db import migrations

TRIGGERS = {
    "orders_cashentry": "TRUE",
    # Closing a month stamps its entries with the statement; nothing else may change.
    "orders_commissionentry": (
        "(OLD.institution_id, OLD.product_id, OLD.kind, OLD.order_id, OLD.holding_id, "
        "OLD.accrual_date, OLD.basis, OLD.rate, OLD.amount, OLD.carry, OLD.created_at) "
        "IS DISTINCT FROM "
        "(NEW.institution_id, NEW.product_id, NEW.kind, NEW.order_id, NEW.holding_id, "
        "NEW.accrual_date, NEW.basis, NEW.rate, NEW.amount, NEW.carry, NEW.created_at) "
        "OR OLD.statement_id IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, changed in TRIGGERS.items():
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR ({changed}) THEN
                RAISE EXCEPTION '% rows are immutable: write a correcting entry instead',
                  TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
              END IF;
              RETURN NEW;
            END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
              FOR EACH ROW EXECUTE FUNCTION {table}_immutable();
            """,
            None,  # no parameters: the % in RAISE is PL/pgSQL's
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}; "
            f"DROP FUNCTION IF EXISTS {table}_immutable();"
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0007_settled_index")]

    operations = [migrations.RunPython(create, drop)]
