"""The rules of questions and complaints: the first-response target on the trading calendar,
the first answer, re-opening, closing, escalation, lateness, and the investor told once of
each answer."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings

from orders.aftersales import selectors, services
from orders.aftersales.models import (
    RequestEvent,
    RequestKind,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    Side,
)
from orders.campaigns.models import InboxMessage, Topic
from tests import factories
from tests.orders.factories import HoldingFactory, HolidayFactory, OrderFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.date(2026, 11, 27)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


@pytest.fixture
def asked(clock):
    """A question about one of the investor's orders, opened Monday 10:00."""
    order = OrderFactory()
    request = services.request_open(
        investor=order.user,
        kind=RequestKind.QUESTION,
        subject="When are my units confirmed?",
        body="I bought on Monday morning.",
        order_id=order.pk,
    )
    return request


@pytest.fixture
def member(asked, member_of):
    return member_of(asked.institution, "editor")


def test_the_first_answer_is_due_at_the_end_of_the_second_trading_day(asked, clock):
    assert asked.first_response_due == _end_of(dt.date(2026, 11, 25))  # Mon → Wed


def test_the_target_skips_the_weekend_and_holidays():
    friday_afternoon = dt.datetime.combine(FRIDAY, dt.time(16, 0), tzinfo=SHANGHAI)
    assert services.first_response_due(created_at=friday_afternoon) == _end_of(dt.date(2026, 12, 1))
    HolidayFactory(date=dt.date(2026, 11, 30))  # the Monday after
    assert services.first_response_due(created_at=friday_afternoon) == _end_of(dt.date(2026, 12, 2))


def test_a_request_sent_on_a_saturday_counts_from_the_next_trading_day():
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)
    assert services.first_response_due(created_at=saturday) == _end_of(dt.date(2026, 12, 1))


@override_settings(SERVICE_FIRST_RESPONSE_BUSINESS_DAYS=5)
def test_the_number_of_business_days_is_a_setting():
    monday = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    assert services.first_response_due(created_at=monday) == _end_of(dt.date(2026, 11, 30))


def test_a_request_and_its_first_message_are_created_together(asked):
    assert asked.status == RequestStatus.OPEN
    assert asked.institution == asked.product.institution
    assert [(m.side, m.body) for m in asked.messages.all()] == [
        (Side.INVESTOR, "I bought on Monday morning.")
    ]


def test_bad_input_saves_nothing(clock):
    order = OrderFactory()
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=order.user,
            kind="praise",
            subject="<b>hi</b>",
            body="x" * 4001,
            order_id=order.pk,
        )
    assert _codes(exc.value) == {
        "kind": ["invalid_choice"],
        "subject": ["markup"],
        "body": ["too_long"],
    }
    assert not ServiceRequest.objects.exists()
    assert not RequestMessage.objects.exists()


def test_empty_and_whitespace_texts_are_refused(clock):
    order = OrderFactory()
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=order.user, kind="question", subject="   ", body="", order_id=order.pk
        )
    assert _codes(exc.value) == {"subject": ["empty"], "body": ["empty"]}


def test_unicode_text_is_welcome(clock):
    order = OrderFactory()
    request = services.request_open(
        investor=order.user,
        kind="complaint",
        subject="份额未到账 😟",
        body="请尽快处理。",
        order_id=order.pk,
    )
    assert request.subject == "份额未到账 😟"


def test_an_investor_cannot_ask_about_another_investors_order_or_holding(clock):
    theirs = OrderFactory()
    holding = HoldingFactory()
    me = factories.UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=me, kind="question", subject="Hi", body="Hi", order_id=theirs.pk
        )
    assert _codes(exc.value) == {"order": ["not_found"]}
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=me, kind="question", subject="Hi", body="Hi", holding_id=holding.pk
        )
    assert _codes(exc.value) == {"holding": ["not_found"]}
    assert not ServiceRequest.objects.exists()


def test_a_request_must_be_about_something_and_about_one_product(clock):
    order = OrderFactory()
    other = factories.ProductFactory()
    with pytest.raises(ValidationError) as exc:
        services.request_open(investor=order.user, kind="question", subject="Hi", body="Hi")
    assert _codes(exc.value) == {"__all__": ["about_missing"]}
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=order.user,
            kind="question",
            subject="Hi",
            body="Hi",
            order_id=order.pk,
            product_slug=other.slug,
        )
    assert _codes(exc.value) == {"__all__": ["about_mismatch"]}


def test_a_product_request_goes_to_the_products_institution(clock, user):
    product = factories.ProductFactory()
    request = services.request_open(
        investor=user,
        kind="question",
        subject="Fees?",
        body="What is the fee?",
        product_slug=product.slug,
    )
    assert request.institution == product.institution
    assert request.order is None
    assert request.holding is None


def test_a_draft_product_of_nobody_is_not_found(clock, user):
    draft = factories.ProductFactory(status="draft")
    with pytest.raises(ValidationError) as exc:
        services.request_open(
            investor=user, kind="question", subject="Hi", body="Hi", product_slug=draft.slug
        )
    assert _codes(exc.value) == {"product": ["not_found"]}


def test_the_first_answer_sets_the_first_response_and_answered(asked, member, clock):
    clock.advance(hours=3)
    services.request_answer(request=asked, member=member, body="Tomorrow evening.")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert asked.first_response_at == clock()
    clock.advance(hours=1)
    services.request_answer(request=asked, member=member, body="And a detail.")
    asked.refresh_from_db()
    assert asked.first_response_at == clock() - dt.timedelta(hours=1)  # the first one stays


def test_an_investor_reply_reopens_an_answered_request(asked, member):
    services.request_answer(request=asked, member=member, body="Tomorrow.")
    services.request_reply_by_investor(request=asked, investor=asked.investor, body="Thanks, and?")
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    assert asked.first_response_at is not None
    assert list(RequestEvent.objects.filter(request=asked).values_list("kind", flat=True)) == [
        "opened",
        "answered",
        "reopened",
    ]


def test_a_closed_request_takes_no_more_messages(asked, member):
    services.request_close(request=asked, actor=asked.investor)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.CLOSED
    assert asked.closed_at is not None
    for write in (
        lambda: services.request_reply_by_investor(
            request=asked, investor=asked.investor, body="x"
        ),
        lambda: services.request_answer(request=asked, member=member, body="x"),
        lambda: services.request_close(request=asked, actor=member),
    ):
        with pytest.raises(ValidationError) as exc:
            write()
        assert exc.value.code == "closed"
    assert asked.messages.count() == 1


def test_the_investor_is_told_of_each_answer_once(
    asked, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.request_answer(request=asked, member=member, body="Tomorrow.")
    notices = InboxMessage.objects.filter(user=asked.investor, topic=Topic.REQUEST_ANSWERED)
    assert [n.subject_key for n in notices] == [f"request-message:{message.pk}"]
    assert notices[0].link == f"/me/requests/{asked.pk}/"
    assert [m.to for m in mail.outbox] == [[asked.investor.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services._tell_investor(asked, message)  # a rerun sends nothing twice
    assert notices.count() == 1
    assert len(mail.outbox) == 1


def test_the_investors_own_messages_tell_nobody(asked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_reply_by_investor(request=asked, investor=asked.investor, body="More.")
    assert not InboxMessage.objects.exists()
    assert mail.outbox == []


def test_a_staff_answer_is_told_but_is_not_the_institutions_response(asked, staff):
    services.request_answer(request=asked, member=staff, body="We asked them.", staff=True)
    asked.refresh_from_db()
    assert asked.status == RequestStatus.OPEN
    assert asked.first_response_at is None
    assert InboxMessage.objects.filter(user=asked.investor).count() == 1


def test_a_complaint_can_be_escalated_at_once_and_only_once(clock):
    order = OrderFactory()
    complaint = services.request_open(
        investor=order.user,
        kind="complaint",
        subject="Wrong fee",
        body="Too high.",
        order_id=order.pk,
    )
    services.request_escalate(request=complaint, investor=order.user)
    complaint.refresh_from_db()
    assert complaint.escalated_at == clock()
    with pytest.raises(ValidationError) as exc:
        services.request_escalate(request=complaint, investor=order.user)
    assert exc.value.code == "already_escalated"


def test_a_question_can_be_escalated_only_after_its_target_passed_unanswered(asked, clock):
    with pytest.raises(ValidationError) as exc:
        services.request_escalate(request=asked, investor=asked.investor)
    assert exc.value.code == "not_escalatable"
    clock.set(dt.date(2026, 11, 26), 9)  # Thursday: the target (Wednesday's end) has passed
    services.request_escalate(request=asked, investor=asked.investor)
    asked.refresh_from_db()
    assert asked.escalated_at is not None


def test_a_closed_request_cannot_be_escalated(clock):
    order = OrderFactory()
    complaint = services.request_open(
        investor=order.user,
        kind="complaint",
        subject="Wrong fee",
        body="Too high.",
        order_id=order.pk,
    )
    services.request_close(request=complaint, actor=order.user)
    with pytest.raises(ValidationError) as exc:
        services.request_escalate(request=complaint, investor=order.user)
    assert exc.value.code == "closed"


def test_late_means_no_first_response_by_the_due_time(asked, member, clock):
    answered = services.request_open(
        investor=asked.investor,
        kind="question",
        subject="Other",
        body="Other",
        order_id=asked.order_id,
    )
    services.request_answer(request=answered, member=member, body="Done.")
    closed = services.request_open(
        investor=asked.investor,
        kind="question",
        subject="Never mind",
        body="x",
        order_id=asked.order_id,
    )
    services.request_close(request=closed, actor=asked.investor)
    assert not selectors.requests_for_staff().exists()
    clock.set(dt.date(2026, 11, 26), 9)
    assert list(selectors.requests_for_staff()) == [asked]
    institution = asked.institution
    late = selectors.RequestFilter(
        {"late": "true"}, selectors.requests_for_institution(institution=institution)
    )
    assert list(late.qs) == [asked]
    on_time = selectors.RequestFilter(
        {"late": "false"}, selectors.requests_for_institution(institution=institution)
    )
    assert set(on_time.qs) == {answered, closed}


def test_escalated_requests_reach_staff_until_closed(clock):
    order = OrderFactory()
    complaint = services.request_open(
        investor=order.user,
        kind="complaint",
        subject="Wrong fee",
        body="Too high.",
        order_id=order.pk,
    )
    services.request_escalate(request=complaint, investor=order.user)
    assert list(selectors.requests_for_staff()) == [complaint]
    services.request_close(request=complaint, actor=order.user)
    assert not selectors.requests_for_staff().exists()


def test_staff_figures_count_per_institution(clock, member_of):
    a, b = factories.InstitutionFactory(name="Alpha"), factories.InstitutionFactory(name="Beta")
    for institution, hours in ((a, [2, 4, 10]), (b, [])):
        editor = member_of(institution, "editor")
        product = factories.ProductFactory(institution=institution)
        for h in hours:
            clock.set(dt.date(2026, 11, 23), 9)
            r = services.request_open(
                investor=factories.UserFactory(),
                kind="question",
                subject="s",
                body="b",
                product_slug=product.slug,
            )
            clock.advance(hours=h)
            services.request_answer(request=r, member=editor, body="a")
        clock.set(dt.date(2026, 11, 23), 9)
        services.request_open(
            investor=factories.UserFactory(),
            kind="complaint",
            subject="s",
            body="b",
            product_slug=product.slug,
        )
    clock.set(dt.date(2026, 11, 26), 9)
    figures = {row.name: row for row in selectors.service_figures_by_institution()}
    assert (figures["Alpha"].open, figures["Alpha"].late, figures["Alpha"].escalated) == (4, 1, 0)
    assert figures["Alpha"].median_first_response_hours == 4.0
    assert figures["Alpha"].answered_30d == 3
    assert (figures["Beta"].open, figures["Beta"].late) == (1, 1)
    assert figures["Beta"].median_first_response_hours is None


def test_the_median_without_percentile_cont_is_the_same(clock, member_of, monkeypatch):
    """The embedded SQLite default computes the median in Python: the same figure."""
    product = factories.ProductFactory()
    editor = member_of(product.institution, "editor")
    for hours in (1, 2, 6, 9):
        clock.set(dt.date(2026, 11, 23), 9)
        r = services.request_open(
            investor=factories.UserFactory(),
            kind="question",
            subject="s",
            body="b",
            product_slug=product.slug,
        )
        clock.advance(hours=hours)
        services.request_answer(request=r, member=editor, body="a")
    [in_sql] = selectors.service_figures_by_institution()
    monkeypatch.setattr(selectors.connection, "vendor", "sqlite")
    [in_python] = selectors.service_figures_by_institution()
    assert in_sql.median_first_response_hours == in_python.median_first_response_hours == 4.0


def test_a_question_answered_after_its_target_can_still_be_escalated(asked, member, clock):
    clock.set(dt.date(2026, 11, 26), 9)  # after Wednesday's end
    services.request_answer(request=asked, member=member, body="Sorry for the wait.")
    asked.refresh_from_db()
    assert not asked.is_late()  # no longer waiting…
    assert asked.missed_target()  # …but the target was missed
    services.request_escalate(request=asked, investor=asked.investor)
    asked.refresh_from_db()
    assert asked.escalated_at is not None


def test_a_question_answered_in_time_cannot_be_escalated_later(asked, member, clock):
    services.request_answer(request=asked, member=member, body="Tomorrow.")
    clock.set(dt.date(2026, 12, 7), 9)
    with pytest.raises(ValidationError) as exc:
        services.request_escalate(request=asked, investor=asked.investor)
    assert exc.value.code == "not_escalatable"
