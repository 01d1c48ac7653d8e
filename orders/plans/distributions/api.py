"""Distribution API: ``/api/v1/portal/products/{slug}/distributions/`` (an institution's fund:
GET its distributions, POST a declaration; ``…/distributions/{id}/withdraw/`` takes back one still
waiting for review) and ``/api/v1/me/holdings/{slug}/election/`` (the
investor's holding of a fund: GET the election, what is coming and what was paid; POST or
PATCH ``{"election": "cash"|"reinvest"}``). Another institution's fund, or a fund the investor does
not hold, is a 404."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin
from products.models import Product

from ...models import Holding
from . import selectors
from .models import Distribution
from .serializers import (
    DistributionDeclareSerializer,
    DistributionSerializer,
    ElectionInputSerializer,
    HoldingElectionSerializer,
)
from .services import declaration


class PortalDistributionsAPI(PortalAPIMixin, APIView):
    """GET: the fund's distributions, newest record date first. POST declares one (it waits
    for staff review; only an approved distribution is paid)."""

    queryset = Product.objects.all()

    def get_product(self, slug: str) -> Product:
        return generics.get_object_or_404(self.get_queryset(), slug=slug)

    @extend_schema(responses=DistributionSerializer(many=True))
    def get(self, request, slug: str):
        product = self.get_product(slug)
        rows = selectors.distributions_for_institution(
            institution=request.institution, product=product
        )
        return Response(DistributionSerializer(rows, many=True).data)

    @extend_schema(request=DistributionDeclareSerializer, responses={201: DistributionSerializer})
    def post(self, request, slug: str):
        product = self.get_product(slug)
        serializer = DistributionDeclareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        distribution = declaration.distribution_declare(
            institution=request.institution,
            product=product,
            actor=request.user,
            **serializer.validated_data,
        )
        return Response(DistributionSerializer(distribution).data, status=status.HTTP_201_CREATED)


class PortalDistributionWithdrawAPI(PortalAPIMixin, APIView):
    """POST: withdraw a declaration still waiting for review (an editor or admin of the fund's
    institution). 200 with the withdrawn distribution; 400 ``distribution_not_pending`` once
    staff have decided it; another institution's distribution is a 404."""

    queryset = Product.objects.all()

    @extend_schema(request=None, responses={200: DistributionSerializer})
    def post(self, request, slug: str, pk: int):
        product = generics.get_object_or_404(self.get_queryset(), slug=slug)
        distribution = generics.get_object_or_404(
            Distribution.objects.filter(product=product, institution=request.institution), pk=pk
        )
        distribution = declaration.distribution_withdraw(
            distribution=distribution, institution=request.institution, actor=request.user
        )
        return Response(DistributionSerializer(distribution).data)


def _election(holding: Holding) -> dict:
    return HoldingElectionSerializer(
        {
            "product": holding.product.slug,
            "election": selectors.current_election(holding=holding),
            "upcoming": [d for d, _ in selectors.upcoming_for_holding(holding=holding)],
            "payments": selectors.payments_of_holding(holding=holding),
        }
    ).data


class HoldingElectionAPI(APIView):
    """GET: the holding's election (cash unless the investor chose reinvest), the approved
    distributions still to pay and the ones paid. POST changes the election from today: a
    distribution whose record date has passed keeps the election of its record date."""

    def get_holding(self, request, slug: str) -> Holding:
        try:
            return selectors.holding_of(user=request.user, product_slug=slug)
        except Holding.DoesNotExist as exc:
            raise NotFound from exc

    @extend_schema(responses=HoldingElectionSerializer)
    def get(self, request, slug: str):
        return Response(_election(self.get_holding(request, slug)))

    @extend_schema(request=ElectionInputSerializer, responses=HoldingElectionSerializer)
    def post(self, request, slug: str):
        holding = self.get_holding(request, slug)
        serializer = ElectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        declaration.election_set(
            holding=holding, actor=request.user, election=serializer.validated_data["election"]
        )
        return Response(_election(holding))

    @extend_schema(request=ElectionInputSerializer, responses=HoldingElectionSerializer)
    def patch(self, request, slug: str):
        """The same change as POST."""
        return self.post(request, slug)
