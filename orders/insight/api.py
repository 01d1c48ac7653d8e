"""GET /api/v1/me/portfolio/?period=…: the returns per holding and overall, and the allocation."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from . import returns
from .serializers import PerformanceSerializer, PeriodQuerySerializer


class PortfolioReturnsAPI(APIView):
    """The investor's returns over a period: today's gain, total gain (distributions and
    money-market income included), money-weighted (XIRR) and time-weighted returns, per
    holding and for the whole portfolio, and the allocation by kind, fund type and risk."""

    @extend_schema(parameters=[PeriodQuerySerializer], responses=PerformanceSerializer)
    def get(self, request):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        performance = returns.portfolio_performance(
            user=request.user, period=query.validated_data["period"]
        )
        return Response(PerformanceSerializer(performance).data)
