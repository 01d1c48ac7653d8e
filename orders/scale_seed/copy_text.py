"""The tables the load writes, their columns, and rows in COPY's text format: amounts, NAVs,
local times, and one in-memory buffer per table."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

from django.conf import settings

TABLES = {
    "user": "profiles_user",
    "email": "account_emailaddress",
    "identity": "profiles_identity",
    "profile": "profiles_investorprofile",
    "assessment": "profiles_riskassessment",
    "account": "orders_cashaccount",
    "payment": "orders_payment",
    "entry": "orders_cashentry",
    "order": "orders_order",
    "event": "orders_orderevent",
    "holding": "orders_holding",
    "lot": "orders_lot",
    "movement": "orders_lotmovement",
}
COLUMNS = {
    "user": "id password is_superuser email is_staff is_active date_joined language",
    "email": "id user_id email verified primary",
    "identity": (
        "id user_id legal_name document_type document_number document_hash document_last4 "
        "date_of_birth nationality status provider provider_reference failure_reason "
        "submitted_at verified_at"
    ),
    "profile": (
        "id user_id full_name birth_year age_cohort city income_band investment_goal experience "
        "risk_level assessment_valid_until share_profile_with_institutions marketing_offers "
        "updated_at"
    ),
    "assessment": (
        "id user_id questionnaire_id answers score risk_level knocked_out taken_at valid_until"
    ),
    "account": "id user_id balance updated_at",
    "payment": (
        "id user_id direction amount status gateway payment_method provider_reference "
        "failure_reason created_at settled_at attempts last_error"
    ),
    "entry": "id account_id kind amount balance_after reference description created_at",
    "order": (
        "id user_id product_id institution_id kind side status amount units fee fee_rate "
        "net_amount nav trade_date expected_confirm_date placed_at confirmed_at confirmed_on "
        "settled_at cancelled_at suitability risk_acknowledged_version contract_upfront_basis "
        "idempotency_key request_hash gross_amount cost_basis instant subscription_rate "
        "redemption_tiers"
    ),
    "event": "id order_id actor_id from_status to_status reason created_at",
    "holding": (
        "id user_id product_id institution_id kind units reserved cost opened_at updated_at"
    ),
    "lot": (
        "id holding_id order_id source acquired_on units units_remaining cost_remaining "
        "closed_on redemption_tiers"
    ),
    "movement": (
        "id lot_id order_id kind units days_held gross fee_rate fee interest cost created_at"
    ),
}
N = "\\N"


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def nav_text(nav: int) -> str:
    return f"{nav // 10000}.{nav % 10000:04d}"


class Clock:
    """Local times of the past trading days as COPY text (the business time zone's offset)."""

    def __init__(self):
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.offset: dict[dt.date, str] = {}

    def _offset(self, day: dt.date) -> str:
        delta = dt.datetime.combine(day, dt.time(12), self.zone).utcoffset() or dt.timedelta()
        minutes = int(delta.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "-"
        text = self.offset[day] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        return text

    def at(self, day: dt.date, seconds: int) -> str:
        """``day`` at ``seconds`` after midnight, local time."""
        h, rest = divmod(seconds, 3600)
        offset = self.offset.get(day) or self._offset(day)
        return f"{day.isoformat()} {h:02d}:{rest // 60:02d}:{rest % 60:02d}{offset}"


class Buffers:
    """One in-memory text buffer per table, in COPY's text format."""

    def __init__(self):
        self.rows: dict[str, list[str]] = {name: [] for name in TABLES}
        self.count = 0

    def add(self, name: str, *values) -> None:
        self.rows[name].append("\t".join(values))
        self.count += 1

    def flush(self, cursor) -> int:
        written = self.count
        for name, rows in self.rows.items():
            if rows:
                buffer = io.StringIO("\n".join(rows) + "\n")
                columns = ", ".join(f'"{c}"' for c in COLUMNS[name].split())
                cursor.copy_expert(f"COPY {TABLES[name]} ({columns}) FROM STDIN", buffer)
                rows.clear()
        self.count = 0
        return written
