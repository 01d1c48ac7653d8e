"""Racing members and investors on real PostgreSQL: the request row is locked for every move,
so the first response is set once and an escalation happens once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from orders.aftersales import services
from orders.aftersales.models import RequestEvent, RequestStatus
from tests import factories
from tests.orders.factories import OrderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _race(action):
    barrier = threading.Barrier(THREADS)

    def run(i):
        barrier.wait()
        try:
            return action(i)
        except ValidationError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def _complaint():
    order = OrderFactory()
    return services.request_open(
        investor=order.user, kind="complaint", subject="Fee", body="Too high", order_id=order.pk
    )


def test_members_answering_at_once_set_the_first_response_once():
    request = _complaint()
    members = [factories.UserFactory() for _ in range(THREADS)]
    for member in members:
        factories.MembershipFactory(user=member, institution=request.institution, role="editor")

    _race(lambda i: services.request_answer(request=request, member=members[i], body=f"#{i}"))

    request.refresh_from_db()
    answers = request.messages.filter(side="institution").order_by("created_at", "id")
    assert answers.count() == THREADS
    assert request.status == RequestStatus.ANSWERED
    assert request.first_response_at == answers.first().created_at
    assert RequestEvent.objects.filter(request=request, kind="answered").count() == 1


def test_an_investor_escalating_from_several_tabs_escalates_once():
    request = _complaint()

    outcomes = _race(
        lambda i: services.request_escalate(request=request, investor=request.investor)
    )

    assert sum(1 for o in outcomes if not isinstance(o, str)) == 1
    assert sorted(o for o in outcomes if isinstance(o, str)) == ["already_escalated"] * (
        THREADS - 1
    )
    assert RequestEvent.objects.filter(request=request, kind="escalated").count() == 1
