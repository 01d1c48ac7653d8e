"""Sending campaigns: set-based, by ranges of user ids that any number of workers share.

A campaign's investors are split by user id into buckets of ``RANGE_IDS`` (bucket ``b`` holds
ids ``b × RANGE_IDS`` up to the next). One Celery task delivers one bucket with one
``INSERT INTO inbox … SELECT … FROM profiles WHERE <segment> AND <consent> AND <under the
cap> ON CONFLICT DO NOTHING RETURNING user_id``: consent is read when the range is sent (so a
revoked consent stops the offer at once), the inbox's unique (investor, topic, subject) keeps
one offer per investor per campaign, and a rerun of a range inserts nothing new.

The frequency cap: at most ``OFFERS_PER_WEEK`` offers per investor in any rolling 7 days,
and at most ``OFFERS_PER_INSTITUTION_PER_WEEK`` of them from one institution, so no
institution can use up an investor's whole cap. It is counted inside the INSERT's own
statement, so it holds when two campaigns send to the same investors at the same time
because every delivery first takes a transaction-scoped advisory lock on its bucket: a
second range task for the same bucket waits for the first to commit, and its INSERT (a new
statement, a new snapshot under READ COMMITTED) counts the offers the first one wrote. Ranges
are aligned to the buckets, so the lock is one per task; there is nothing to order and no
row of ``profiles`` is locked or written. (SQLite, the embedded default, serialises writers
itself.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from institutions.models import InstitutionStatus
from marketplace.tasks import enqueue
from profiles.models import InvestorProfile, User

from ..coupons.models import GrantSource
from ..coupons.services import coupon_grant_many
from ..models import Holding, Order, OrderStatus, Side
from . import inbox
from .lifecycle import campaign_transition
from .models import (
    Campaign,
    CampaignRange,
    CampaignStatus,
    EmailState,
    InboxMessage,
    MessageKind,
    Topic,
    Trigger,
)

RANGE_IDS = 10_000
COUPON_LINE = _(
    "%(name)s is in your wallet (My account → Coupons): checkout offers it on your next "
    "purchase of an eligible fund, until %(until)s."
)
RANGE_TASK = "orders.campaigns.tasks.campaign_range_send"
QUEUE = "offers"
# After-purchase campaigns look back this far (beyond the delay) for purchases to follow up.
TRIGGER_LOOKBACK = dt.timedelta(days=7)
# A range not done this long after it was enqueued had its worker die: beat enqueues it again.
RANGE_STALE = dt.timedelta(minutes=15)
_CAP_LOCK_CLASS = 0x0FFE  # pg_advisory_xact_lock(class, bucket): one investor range's offers
BOUGHT = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)

_INBOX = InboxMessage._meta.db_table
_CAMPAIGN = Campaign._meta.db_table
_PROFILE = InvestorProfile._meta.db_table
_USER = User._meta.db_table
_ORDER = Order._meta.db_table
_HOLDING = Holding._meta.db_table


def bucket_of(user_id: int) -> int:
    return user_id // RANGE_IDS


def _ts(value: dt.datetime):
    """A datetime as this database's raw SQL expects it (SQLite stores naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def _in(column: str, values: list) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


@dataclass(frozen=True)
class Segment:
    """``FROM … WHERE …`` over investor profiles (alias ``p``) and its parameters."""

    sql: str
    params: list


def segment(campaign: Campaign, *, now: dt.datetime) -> Segment:
    """The investors a campaign may reach now: its segment, with the ``marketing_offers``
    consent, active and not anonymised (the cap and the trigger come on top)."""
    where = ["p.marketing_offers = %s", "p.anonymised_at IS NULL", "u.is_active = %s"]
    params: list = [True, True]
    for column, values in (
        ("p.risk_level", campaign.risk_levels),
        ("p.age_cohort", campaign.age_cohorts),
        ("p.city", campaign.cities),
    ):
        if values:
            sql, values_params = _in(column, values)
            where.append(sql)
            params += values_params
    if campaign.holders_of_id:
        where.append(
            f"EXISTS (SELECT 1 FROM {_HOLDING} h WHERE h.user_id = p.user_id"  # noqa: S608
            " AND h.product_id = %s AND h.units > 0)"
        )
        params.append(campaign.holders_of_id)
    low, high = campaign.purchased_min_days, campaign.purchased_max_days
    if low is not None or high is not None:
        sql = (
            f"EXISTS (SELECT 1 FROM {_ORDER} o WHERE o.user_id = p.user_id"  # noqa: S608
            " AND o.institution_id = %s AND o.side = %s AND o.status IN (%s, %s)"
            " AND o.confirmed_at <= %s"
        )
        params += [
            campaign.institution_id,
            Side.BUY,
            *BOUGHT,
            _ts(now - dt.timedelta(days=low or 0)),
        ]
        if high is not None:
            sql += " AND o.confirmed_at >= %s"
            params.append(_ts(now - dt.timedelta(days=high)))
        where.append(sql + ")")
    return Segment(
        sql=f"FROM {_PROFILE} p JOIN {_USER} u ON u.id = p.user_id WHERE " + " AND ".join(where),
        params=params,
    )


def _trigger(campaign: Campaign, *, now: dt.datetime) -> tuple[str, list]:
    """After-purchase campaigns: a confirmed buy of the product at least the delay ago, since
    the launch and within the look-back window."""
    due = now - dt.timedelta(hours=campaign.delay_hours)
    since = max(campaign.launched_at or now, due - TRIGGER_LOOKBACK)
    sql = (
        f"EXISTS (SELECT 1 FROM {_ORDER} t WHERE t.user_id = p.user_id"  # noqa: S608
        " AND t.product_id = %s AND t.side = %s AND t.status IN (%s, %s)"
        " AND t.confirmed_at <= %s AND t.confirmed_at >= %s)"
    )
    return sql, [campaign.product_id, Side.BUY, *BOUGHT, _ts(due), _ts(since)]


def _under_cap(campaign: Campaign, *, now: dt.datetime) -> tuple[str, list]:
    week_ago = _ts(now - dt.timedelta(days=7))
    sql = (
        f"(SELECT count(*) FROM {_INBOX} m WHERE m.user_id = p.user_id"  # noqa: S608
        " AND m.kind = %s AND m.created_at > %s) < %s"
        f" AND (SELECT count(*) FROM {_INBOX} m JOIN {_CAMPAIGN} c ON c.id = m.campaign_id"
        " WHERE m.user_id = p.user_id AND m.kind = %s AND m.created_at > %s"
        " AND c.institution_id = %s) < %s"
    )
    return sql, [
        MessageKind.OFFER,
        week_ago,
        settings.OFFERS_PER_WEEK,
        MessageKind.OFFER,
        week_ago,
        campaign.institution_id,
        settings.OFFERS_PER_INSTITUTION_PER_WEEK,
    ]


def offer_link(campaign: Campaign) -> str:
    product = campaign.product or campaign.holders_of
    return (
        f"/products/{product.slug}/" if product else f"/institutions/{campaign.institution.slug}/"
    )


def _lock_investors(bucket: int) -> None:
    """Serialise every delivery to this range of investors until the transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CAP_LOCK_CLASS, bucket])


def _insert_offers(campaign: Campaign, *, bucket: int, now: dt.datetime) -> list[int]:
    """The one statement of a range: every investor of the bucket it reaches gets the offer."""
    base = segment(campaign, now=now)
    cap_sql, cap_params = _under_cap(campaign, now=now)
    body_sql, body_params = _body_by_language(campaign)
    sql = (
        f"INSERT INTO {_INBOX} (user_id, kind, topic, subject_key, title, body, link,"  # noqa: S608
        " created_at, email_state, campaign_id)"
        f" SELECT p.user_id, %s, %s, %s, %s, {body_sql}, %s, %s, %s, %s "
        f"{base.sql} AND p.user_id >= %s AND p.user_id < %s AND {cap_sql}"
    )
    params = [
        MessageKind.OFFER,
        Topic.OFFER,
        campaign.subject_key,
        campaign.title,
        *body_params,
        offer_link(campaign),
        _ts(now),
        EmailState.PENDING,
        campaign.pk,
        *base.params,
        bucket * RANGE_IDS,
        (bucket + 1) * RANGE_IDS,
        *cap_params,
    ]
    if campaign.trigger == Trigger.AFTER_PURCHASE:
        trigger_sql, trigger_params = _trigger(campaign, now=now)
        sql += f" AND {trigger_sql}"
        params += trigger_params
    sql += " ON CONFLICT (user_id, topic, subject_key) DO NOTHING RETURNING user_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def offers_delivered(*, campaign: Campaign, user_ids: list[int]) -> None:
    """What comes with the offers a range just delivered (in its transaction): the campaign's
    coupon goes into each recipient's wallet, set-based (one already there keeps its own)."""
    if campaign.coupon_id and user_ids:
        coupon_grant_many(coupon=campaign.coupon, user_ids=user_ids, source=GrantSource.OFFER)


def offer_body(campaign: Campaign) -> str:
    """The offer's text, with what the coupon is and until when it can be used."""
    coupon = campaign.coupon
    if coupon is None:
        return campaign.body
    return f"{campaign.body}\n\n" + COUPON_LINE % {
        "name": coupon.name,
        "until": f"{coupon.valid_until:%Y-%m-%d}",
    }


def _body_by_language(campaign: Campaign) -> tuple[str, list]:
    """The offer's body in each recipient's language, as one SQL expression over the user's
    ``language`` (blank: the site's): the institution's text stays as written, the coupon line
    is ours and translated."""
    whens, params = [], []
    for code, _label in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            with translation.override(code):
                whens.append("WHEN %s THEN %s")
                params += [code, offer_body(campaign)]
    with translation.override(settings.LANGUAGE_CODE):
        params.append(offer_body(campaign))
    return f"CASE u.language {' '.join(whens)} ELSE %s END", params


def _is_sending(campaign: Campaign) -> bool:
    if campaign.institution.status != InstitutionStatus.APPROVED:
        return False
    if campaign.trigger == Trigger.SCHEDULED:
        return campaign.status == CampaignStatus.SENDING
    return campaign.status == CampaignStatus.LAUNCHED


def email_workers(delivered: int) -> int:
    """How many e-mail workers to ask for a batch (each drains its own SKIP LOCKED batches)."""
    return max(1, min(4, delivered // (inbox.EMAIL_BATCH * 25) + 1))


@transaction.atomic
def campaign_range_deliver(*, campaign_id: int, bucket: int, now=None) -> int:
    """Deliver one range of one campaign; returns how many offers it wrote (0 on a rerun, or
    when the campaign is paused, cancelled or its institution suspended)."""
    now = now or timezone.now()
    _lock_investors(bucket)
    campaign = (
        Campaign.objects.select_related("institution", "product", "holders_of")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or not _is_sending(campaign):
        return 0
    range_row = None
    if campaign.trigger == Trigger.SCHEDULED:
        range_row = CampaignRange.objects.filter(campaign=campaign, bucket=bucket).first()
        if range_row is None or range_row.done_at is not None:
            return 0
    user_ids = _insert_offers(campaign, bucket=bucket, now=now)
    offers_delivered(campaign=campaign, user_ids=user_ids)
    if user_ids:
        inbox.inbox_email_enqueue(workers=email_workers(len(user_ids)))
    if range_row is not None:
        CampaignRange.objects.filter(pk=range_row.pk).update(done_at=now, delivered=len(user_ids))
        _finish_if_done(campaign_id=campaign.pk)
    return len(user_ids)


def _finish_if_done(*, campaign_id: int) -> None:
    """Mark a scheduled campaign sent once its last range is done. The campaign row is locked,
    so of two last ranges finishing at once the second sees the first's range done."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status != CampaignStatus.SENDING:
        return
    if not CampaignRange.objects.filter(campaign=campaign, done_at__isnull=True).exists():
        campaign_transition(
            campaign=campaign,
            to=CampaignStatus.SENT,
            actor=None,
            reason=gettext_noop("Every range sent."),
        )


def investor_buckets() -> range:
    """Every bucket that may hold a consenting investor (from the lowest id to the highest)."""
    ids = InvestorProfile.objects.filter(marketing_offers=True).order_by("user_id")
    first = ids.values_list("user_id", flat=True).first()
    last = ids.reverse().values_list("user_id", flat=True).first()
    if first is None or last is None:
        return range(0)
    return range(bucket_of(first), bucket_of(last) + 1)


def ranges_enqueue(*, campaign: Campaign, now: dt.datetime) -> int:
    """Create the ranges of a scheduled campaign (those already there are kept) and enqueue
    every one not yet done: one task per range, on the ``offers`` queue."""
    CampaignRange.objects.bulk_create(
        [CampaignRange(campaign=campaign, bucket=b, enqueued_at=now) for b in investor_buckets()],
        ignore_conflicts=True,
    )
    waiting = list(
        CampaignRange.objects.filter(campaign=campaign, done_at__isnull=True).values_list(
            "bucket", flat=True
        )
    )
    CampaignRange.objects.filter(campaign=campaign, done_at__isnull=True).update(enqueued_at=now)
    for bucket in waiting:
        enqueue(RANGE_TASK, campaign.pk, bucket, queue=QUEUE)
    return len(waiting)


@transaction.atomic
def ranges_requeue_stale(*, now=None) -> int:
    """Enqueue again the ranges of sending campaigns whose worker died before finishing them."""
    now = now or timezone.now()
    stale = list(
        CampaignRange.objects.select_for_update(skip_locked=True)
        .filter(
            campaign__status=CampaignStatus.SENDING,
            done_at__isnull=True,
            enqueued_at__lt=now - RANGE_STALE,
        )
        .order_by("pk")
    )
    for range_row in stale:
        enqueue(RANGE_TASK, range_row.campaign_id, range_row.bucket, queue=QUEUE)
    CampaignRange.objects.filter(pk__in=[r.pk for r in stale]).update(enqueued_at=now)
    return len(stale)


def _trigger_buckets(campaign: Campaign, *, now: dt.datetime) -> list[int]:
    """Buckets holding a buyer the campaign should follow up now who has no offer of it yet."""
    trigger_sql, trigger_params = _trigger(campaign, now=now)
    base = segment(campaign, now=now)
    sql = (
        f"SELECT DISTINCT p.user_id / %s {base.sql} AND {trigger_sql}"  # noqa: S608
        f" AND NOT EXISTS (SELECT 1 FROM {_INBOX} m WHERE m.user_id = p.user_id"
        " AND m.topic = %s AND m.subject_key = %s)"
    )
    params = [RANGE_IDS, *base.params, *trigger_params, Topic.OFFER, campaign.subject_key]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(int(row[0]) for row in cursor.fetchall())


@transaction.atomic
def campaign_triggers_dispatch(*, now=None) -> int:
    """Beat, every few minutes: for every live after-purchase campaign, one range task per
    bucket of buyers now due a follow-up. Returns how many tasks it enqueued."""
    now = now or timezone.now()
    tasks = 0
    live = Campaign.objects.filter(
        status=CampaignStatus.LAUNCHED,
        trigger=Trigger.AFTER_PURCHASE,
        institution__status=InstitutionStatus.APPROVED,
    ).order_by("pk")
    for campaign in live:
        for bucket in _trigger_buckets(campaign, now=now):
            enqueue(RANGE_TASK, campaign.pk, bucket, queue=QUEUE)
            tasks += 1
    return tasks
