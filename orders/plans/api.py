"""Plan API: ``/api/v1/me/plans/`` (list, create), ``/api/v1/me/plans/{id}/`` (get, patch),
``…/pause/``, ``…/resume/``, ``…/stop/``. The investor's own plans only: another's is a 404.

Trade PIN (issue 12): plan creation will call ``profiles.security.api.trade_confirm_request
(request)`` first thing in :meth:`MyPlansAPI.post`, and add ``TRADE_PIN_PARAMETER`` to its
``parameters`` and ``TRADE_PIN_RESPONSES`` to its ``responses``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from products.selectors import catalogue_queryset
from profiles.security.api import TRADE_PIN_PARAMETER, TRADE_PIN_RESPONSES, trade_confirm_request

from ..services.trading.checks import NOT_ON_SALE
from . import selectors, services
from .models import InvestmentPlan
from .serializers import (
    PlanChangeSerializer,
    PlanDetailSerializer,
    PlanInputSerializer,
    PlanSerializer,
)

KEY_HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_TOO_LONG = _("The Idempotency-Key is at most 64 characters.")
KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional, up to 64 characters: the same key returns the plan it first "
    "created (200) and creates nothing.",
    pattern=r"^[!-~]{1,64}$",
)


def _owned(request, pk: int) -> InvestmentPlan:
    try:
        return selectors.plan_of(user=request.user, pk=pk)
    except InvestmentPlan.DoesNotExist as exc:
        raise NotFound from exc


def _detail(plan: InvestmentPlan) -> dict:
    context = {
        "figures": selectors.plan_figures(plan=plan),
        "next_dates": {plan.pk: selectors.next_purchase_date(plan=plan)},
    }
    return PlanDetailSerializer(plan, context=context).data


class MyPlansAPI(generics.ListAPIView):
    """GET: the investor's plans, newest first. POST sets one up (nothing is bought now: the
    first purchase is on its first due day)."""

    serializer_class = PlanSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return InvestmentPlan.objects.none()
        return selectors.plans_of(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            page_plans = getattr(self, "_page_plans", None) or []
            context["next_dates"] = selectors.next_purchase_dates(plans=page_plans)
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._page_plans = list(page) if page is not None else list(queryset)
        return page

    @extend_schema(
        request=PlanInputSerializer,
        parameters=[KEY_PARAMETER, TRADE_PIN_PARAMETER],
        responses={
            201: PlanDetailSerializer,
            **TRADE_PIN_RESPONSES,
            200: OpenApiResponse(
                response=PlanDetailSerializer,
                description="A replay of an Idempotency-Key: the plan it created.",
            ),
        },
    )
    def post(self, request):
        key = request.META.get(KEY_HEADER, "").strip()
        if len(key) > 64:
            return Response({"idempotency_key": [KEY_TOO_LONG]}, status=status.HTTP_400_BAD_REQUEST)
        serializer = PlanInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = catalogue_queryset().filter(slug=data.pop("product")).first()
        if product is None:
            return Response({"product": [NOT_ON_SALE]}, status=status.HTTP_400_BAD_REQUEST)
        trade_confirm_request(request)
        plan, created = services.plan_create(
            user=request.user, product=product, creation_key=key, **data
        )
        return Response(
            _detail(plan), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MyPlanAPI(APIView):
    """GET: one plan with its figures and purchases. PATCH ``{"amount"?, "day"?}`` changes it
    from its next due day on (purchases already made keep theirs)."""

    @extend_schema(responses=PlanDetailSerializer)
    def get(self, request, pk: int):
        return Response(_detail(_owned(request, pk)))

    @extend_schema(request=PlanChangeSerializer, responses=PlanDetailSerializer)
    def patch(self, request, pk: int):
        plan = _owned(request, pk)
        serializer = PlanChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.plan_change(plan=plan, actor=request.user, **serializer.validated_data)
        return Response(_detail(plan))


class _PlanActionAPI(APIView):
    service = None

    @extend_schema(request=None, responses=PlanDetailSerializer)
    def post(self, request, pk: int):
        plan = type(self).service(plan=_owned(request, pk), actor=request.user)
        return Response(_detail(plan))


class PlanPauseAPI(_PlanActionAPI):
    """Pause: nothing is bought until it is resumed (a 400 if it is not active)."""

    service = staticmethod(services.plan_pause)


class PlanResumeAPI(_PlanActionAPI):
    """Resume a paused plan from its next due day after today (a 400 if it is not paused)."""

    service = staticmethod(services.plan_resume)


class PlanStopAPI(_PlanActionAPI):
    """Stop for good (a 400 if it is already stopped or finished)."""

    service = staticmethod(services.plan_stop)
