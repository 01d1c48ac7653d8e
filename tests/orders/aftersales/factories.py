"""Factories for questions and complaints (rows written directly: for list, filter and access
tests; the rules go through ``orders.aftersales.services``)."""

import datetime as dt

import factory
from django.utils import timezone

from orders.aftersales.models import RequestKind, RequestMessage, ServiceRequest, Side
from tests.factories import ProductFactory, UserFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRequest

    investor = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    institution = factory.LazyAttribute(lambda o: o.product.institution)
    kind = RequestKind.QUESTION
    subject = factory.Sequence(lambda n: f"About my units {n}")
    created_at = factory.LazyFunction(lambda: timezone.now())  # the clock fixture applies
    last_activity_at = factory.LazyAttribute(lambda o: o.created_at)
    first_response_due = factory.LazyAttribute(lambda o: o.created_at + dt.timedelta(days=2))


class RequestMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestMessage

    request = factory.SubFactory(ServiceRequestFactory)
    author = factory.LazyAttribute(lambda o: o.request.investor)
    side = Side.INVESTOR
    body = "When are my units confirmed?"
    created_at = factory.LazyFunction(lambda: timezone.now())  # the clock fixture applies
