"""The database connection's own settings (marketplace/settings/stores.py)."""

import pytest
from django.db import connection

from marketplace.settings.stores import without_jit


@pytest.mark.postgres
@pytest.mark.django_db
def test_connections_run_without_postgres_jit():
    # A bad row estimate put the portfolio's millisecond query over the JIT threshold: seconds
    # of compiling per request at 1,000,000 investors (bench/load.py).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_jit_option_keeps_other_options_and_leaves_sqlite_alone():
    config = {"ENGINE": "django.db.backends.postgresql", "OPTIONS": {"options": "-c x=1"}}
    assert without_jit(config)["OPTIONS"]["options"] == "-c x=1 -c jit=off"
    assert "OPTIONS" not in without_jit({"ENGINE": "django.db.backends.sqlite3"})
