"""Campaign drafts, the marketing rules at launch, the status machine, the preview count
and the results, through the services, the portal pages and the portal API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from institutions.models import Role
from orders.campaigns import fanout, inbox, selectors, services
from orders.campaigns.models import Campaign, CampaignEvent, CampaignStatus, InboxMessage, Trigger
from tests.factories import ProductFactory
from tests.orders.campaigns.factories import CampaignFactory, consenting_investors
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

GUARANTEE = "Guaranteed returns of 8% with our fund."


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


# --- drafts and the status machine -------------------------------------------------------------


def test_a_draft_that_breaks_the_marketing_rules_cannot_launch(draft):
    campaign = draft(body=GUARANTEE)

    with pytest.raises(ValidationError) as caught:
        services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    assert codes(caught.value, "body") == ["marketing", "marketing"]  # the claim, the risk level
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not CampaignEvent.objects.exists()


def test_a_launched_campaign_cannot_be_edited_or_launched_again(draft):
    campaign = draft()
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    with pytest.raises(ValidationError) as caught:
        services.campaign_save(
            institution=campaign.institution,
            actor=campaign.created_by,
            campaign=campaign,
            title="Changed",
            body="Changed",
            trigger=Trigger.SCHEDULED,
            send_at=campaign.send_at,
        )
    assert caught.value.code == "not_draft"
    with pytest.raises(ValidationError) as caught:
        services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    assert caught.value.code == "not_draft"
    campaign.refresh_from_db()
    assert campaign.title == "Half the fee this month"


def test_every_status_move_is_recorded_and_illegal_ones_refused(draft):
    campaign = draft()
    actor = campaign.created_by
    services.campaign_launch(campaign=campaign, actor=actor)
    services.campaign_pause(campaign=campaign, actor=actor)
    services.campaign_resume(campaign=campaign, actor=actor)
    services.campaign_cancel(campaign=campaign, actor=actor)

    with pytest.raises(ValidationError) as caught:
        services.campaign_resume(campaign=campaign, actor=actor)

    assert caught.value.code == "illegal_transition"
    moves = list(campaign.events.values_list("from_status", "to_status", "actor"))
    assert moves == [
        ("draft", "launched", actor.pk),
        ("launched", "paused", actor.pk),
        ("paused", "launched", actor.pk),
        ("launched", "cancelled", actor.pk),
    ]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"trigger": Trigger.AFTER_PURCHASE}, "product", "required"),
        ({"send_at": None}, "send_at", "required"),
        ({"send_at": "past"}, "send_at", "send_at_past"),
        ({"risk_levels": [0, 6]}, "risk_levels", "invalid_choice"),
        ({"cities": ["atlantis"]}, "cities", "invalid_choice"),
        ({"purchased_min_days": 30, "purchased_max_days": 3}, "purchased_max_days", "days_order"),
        ({"title": "<b>Big</b> offer"}, "title", "markup"),
    ],
)
def test_a_bad_draft_is_refused_with_the_field_and_nothing_saved(draft, fields, field, code):
    if fields.get("send_at") == "past":
        fields["send_at"] = timezone.now() - dt.timedelta(minutes=1)

    with pytest.raises(ValidationError) as caught:
        draft(**fields)

    assert code in codes(caught.value, field)
    assert not Campaign.objects.exists()


def test_a_product_of_another_institution_is_refused(draft):
    with pytest.raises(ValidationError) as caught:
        draft(trigger=Trigger.AFTER_PURCHASE, product=ProductFactory())

    assert codes(caught.value, "product") == ["foreign_product"]


def test_a_scheduled_campaign_starts_at_its_time_from_beat(draft):
    consenting_investors(1)
    campaign = draft()
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    assert services.campaigns_due_start(now=campaign.send_at - dt.timedelta(minutes=1)) == 0
    assert services.campaigns_due_start(now=campaign.send_at) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    assert campaign.ranges.count() == 1


def test_a_range_whose_worker_died_is_enqueued_again(draft):
    consenting_investors(1)
    campaign = draft()
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=campaign.send_at)

    assert fanout.ranges_requeue_stale(now=campaign.send_at + dt.timedelta(minutes=5)) == 0
    assert fanout.ranges_requeue_stale(now=campaign.send_at + dt.timedelta(minutes=20)) == 1


# --- preview -----------------------------------------------------------------------------------


def test_the_preview_counts_consenting_investors_in_the_segment(draft):
    consenting_investors(21, city="wuhan")
    consenting_investors(3, city="beijing")
    consenting_investors(5, city="wuhan", marketing_offers=False)

    assert selectors.campaign_preview(campaign=draft(cities=["wuhan"])).reachable == 21


def test_the_preview_suppresses_fewer_than_20(draft):
    consenting_investors(19)

    preview = selectors.campaign_preview(campaign=draft())

    assert preview.reachable is None
    assert preview.display == "< 20"


# --- results -----------------------------------------------------------------------------------


def test_results_count_sent_opened_and_purchases_within_the_attribution_window(draft, fund):
    buyer, late_buyer, reader, idle = consenting_investors(4)
    stranger = consenting_investors(1, marketing_offers=False)[0]
    campaign = draft()
    sent_at = campaign.send_at + dt.timedelta(minutes=1)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=sent_at)
    for bucket in campaign.ranges.values_list("bucket", flat=True):
        fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=bucket, now=sent_at)
    inbox.message_mark_read(
        user=reader, message_id=InboxMessage.objects.get(user=reader, campaign=campaign).pk
    )
    OrderFactory(user=buyer, product=fund, placed_at=sent_at + dt.timedelta(days=2))
    OrderFactory(
        user=buyer, product=fund, amount=Decimal("500.00"), placed_at=sent_at + dt.timedelta(days=3)
    )
    OrderFactory(user=buyer, product=fund, status="cancelled", placed_at=sent_at)
    OrderFactory(user=late_buyer, product=fund, placed_at=sent_at + dt.timedelta(days=15))
    OrderFactory(user=stranger, product=fund, placed_at=sent_at + dt.timedelta(days=1))
    OrderFactory(user=idle, product=ProductFactory(), placed_at=sent_at + dt.timedelta(days=1))

    results = selectors.campaign_results(campaign=campaign)

    assert (results.sent, results.opened) == (4, 1)
    assert (results.orders, results.amount) == (2, Decimal("1500.00"))
    assert results.coupon_redeemed is None
    assert results.sent_by_day[-1][1] == 4


# --- portal pages ------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, fund_company, member_of):
    client.force_login(member_of(fund_company, Role.EDITOR))
    return client


FORM = {
    "title": "Half the fee",
    "body": "Our bond fund (R2) with half the subscription fee.",
    "trigger": "after_purchase",
    "delay": "2",
    "delay_unit": "days",
    "risk_levels": ["3", "4"],
}


def test_an_editor_creates_a_draft_and_launches_it_from_the_portal(editor_client, fund):
    response = editor_client.post("/portal/campaigns/new/", {**FORM, "product": fund.slug})

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert (campaign.delay_hours, campaign.risk_levels, campaign.product) == (48, [3, 4], fund)
    page = editor_client.get(f"/portal/campaigns/{campaign.pk}/?preview=1")
    assert page.status_code == 200
    assert b"&lt; 20" in page.content
    editor_client.post(f"/portal/campaigns/{campaign.pk}/launch/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.LAUNCHED
    assert editor_client.get("/portal/campaigns/").status_code == 200


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"title": "<script>x</script>"},
        {"body": "x" * 2001},
        {"delay": "-1"},
        {"delay": "1e9"},
        {"risk_levels": ["9"]},
        {"cities": ["<b>"]},
        {"trigger": "whenever"},
        {"product": "someone-elses-fund"},
        {"send_at": "tomorrow"},
        {"purchased_min_days": "99999"},
    ],
)
def test_bad_input_on_the_portal_form_is_a_form_error_and_saves_nothing(editor_client, fund, bad):
    ProductFactory(slug="someone-elses-fund")
    response = editor_client.post("/portal/campaigns/new/", {**FORM, "product": fund.slug, **bad})

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_launch_refused_by_the_marketing_rules_shows_the_reason(editor_client, fund_company):
    campaign = CampaignFactory(institution=fund_company, body=GUARANTEE)

    response = editor_client.post(f"/portal/campaigns/{campaign.pk}/launch/", follow=True)

    assert "guaranteed returns" in response.content.decode().lower()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_an_analyst_sees_campaigns_but_cannot_change_them(client, fund_company, member_of):
    campaign = CampaignFactory(institution=fund_company)
    client.force_login(member_of(fund_company, Role.ANALYST))

    assert client.get(f"/portal/campaigns/{campaign.pk}/").status_code == 200
    assert b"Launch</button>" not in client.get(f"/portal/campaigns/{campaign.pk}/").content
    client.post(f"/portal/campaigns/{campaign.pk}/launch/")
    client.post("/portal/campaigns/new/", FORM)

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert Campaign.objects.count() == 1


# --- portal API --------------------------------------------------------------------------------


@pytest.fixture
def editor_api(client, fund_company, member_of):
    client.force_login(member_of(fund_company, Role.EDITOR))
    return client


def api_post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_the_api_creates_previews_launches_and_reports_a_campaign(editor_api, fund):
    consenting_investors(20)
    send_at = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api_post(
        editor_api,
        "/api/v1/portal/campaigns/",
        {
            "title": "Half the fee",
            "body": "Our fund (R2).",
            "trigger": "scheduled",
            "send_at": send_at,
            "risk_levels": [3],
            "holders_of": None,
        },
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["results"]["sent"] == 0

    preview = api_post(editor_api, f"/api/v1/portal/campaigns/{pk}/preview/").json()
    assert preview == {"reachable": 20, "display": "20", "threshold": 20}
    patched = editor_api.patch(
        f"/api/v1/portal/campaigns/{pk}/",
        {"title": "Half the fee, again"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["risk_levels"] == [3]
    launched = api_post(editor_api, f"/api/v1/portal/campaigns/{pk}/launch/")
    assert launched.json()["status"] == "launched"
    assert api_post(editor_api, f"/api/v1/portal/campaigns/{pk}/launch/").status_code == 400
    assert editor_api.get(f"/api/v1/portal/campaigns/{pk}/results/").json()["amount"] == "0.00"
    assert editor_api.get("/api/v1/portal/campaigns/").json()["count"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"body": "<img src=x>"}, "body"),
        ({"trigger": "sometimes"}, "trigger"),
        ({"trigger": "after_purchase", "product": "nope"}, "product"),
        ({"trigger": "after_purchase"}, "product"),
        ({"delay_hours": -1}, "delay_hours"),
        ({"delay_hours": "9" * 40}, "delay_hours"),
        ({"send_at": "2020-01-01T00:00:00Z"}, "send_at"),
        ({"send_at": "not a date"}, "send_at"),
        ({"risk_levels": [7]}, "risk_levels"),
        ({"risk_levels": "3"}, "risk_levels"),
        ({"age_cohorts": ["post_10s"]}, "age_cohorts"),
        ({"purchased_min_days": 9, "purchased_max_days": 1}, "purchased_max_days"),
        ({"purchased_max_days": 1.5}, "purchased_max_days"),
    ],
)
def test_bad_input_on_the_api_is_a_400_naming_the_field(editor_api, body, field):
    base = {
        "title": "Offer",
        "body": "Text",
        "trigger": "scheduled",
        "send_at": (timezone.now() + dt.timedelta(days=1)).isoformat(),
    }
    response = api_post(editor_api, "/api/v1/portal/campaigns/", {**base, **body})

    assert response.status_code == 400
    assert field in response.json()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{"title": "<b>x</b>"}, {"risk_levels": [0]}, {"send_at": None}, ["not", "an", "object"]],
)
def test_bad_input_on_an_api_patch_is_a_400_and_changes_nothing(editor_api, fund_company, body):
    campaign = CampaignFactory(institution=fund_company)

    response = editor_api.patch(
        f"/api/v1/portal/campaigns/{campaign.pk}/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert Campaign.objects.get().title == campaign.title


def test_the_api_refuses_a_launch_that_breaks_the_marketing_rules(editor_api, fund_company):
    campaign = CampaignFactory(institution=fund_company, body=GUARANTEE)

    response = api_post(editor_api, f"/api/v1/portal/campaigns/{campaign.pk}/launch/")

    assert response.status_code == 400
    assert "guaranteed returns" in " ".join(response.json()["body"]).lower()


def test_an_analyst_may_preview_but_not_create_or_launch(client, fund_company, member_of):
    campaign = CampaignFactory(institution=fund_company)
    client.force_login(member_of(fund_company, Role.ANALYST))

    assert api_post(client, f"/api/v1/portal/campaigns/{campaign.pk}/preview/").status_code == 200
    assert api_post(client, f"/api/v1/portal/campaigns/{campaign.pk}/launch/").status_code == 403
    assert api_post(client, "/api/v1/portal/campaigns/", {"title": "x"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_the_results_page_shows_the_figures_and_a_chart_over_time(editor_client, fund_company):
    (reader,) = consenting_investors(1)
    campaign = CampaignFactory(institution=fund_company)
    sent_at = campaign.send_at + dt.timedelta(minutes=1)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=sent_at)
    for bucket in campaign.ranges.values_list("bucket", flat=True):
        fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=bucket, now=sent_at)
    InboxMessage.objects.update(read_at=sent_at + dt.timedelta(days=2))

    page = editor_client.get(f"/portal/campaigns/{campaign.pk}/")

    assert page.context["results"].sent == 1
    assert page.context["results"].opened == 1
    assert page.context["opened_chart"] is not None
    assert b"<polyline" in page.content
    assert reader.email.encode() not in page.content  # totals only
