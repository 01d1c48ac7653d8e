"""Switch API: ``POST /api/v1/me/switches/`` (``Idempotency-Key`` and ``X-Trade-PIN``
required, as ``POST /api/v1/orders/``), ``GET /api/v1/me/switches/`` and ``…/{id}/`` (with
both orders), ``POST …/{id}/cancel/`` (both orders, before the cut-off). The investor's own
switches only: another's is a 404."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.throttling import MoneyActionThrottle
from products.selectors import tradable_product
from profiles.security.api import TRADE_PIN_PARAMETER, TRADE_PIN_RESPONSES, trade_confirm_request

from ...api import IDEMPOTENCY_CONFLICT, IDEMPOTENCY_HEADER, body_hash, idempotency_key_parameter
from . import selectors, services
from .models import Switch
from .serializers import SwitchInputSerializer, SwitchSerializer

KEY_REQUIRED = _("Send an Idempotency-Key header (up to 64 characters) with every new switch.")
UNKNOWN_FUND = _("No such fund.")


def _owned(request, pk: int) -> Switch:
    try:
        return selectors.switch_of(user=request.user, pk=pk)
    except Switch.DoesNotExist as exc:
        raise NotFound from exc


class MySwitchesAPI(generics.ListAPIView):
    """GET: the investor's switches, newest first, each with its sell and buy. POST places one:
    the sell of ``from_product`` and the buy of ``to_product`` at the same trade date, priced
    and confirmed together at end of day (the same key and body return the first switch and
    create nothing; the same key with another body is 422)."""

    serializer_class = SwitchSerializer
    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "orders"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Switch.objects.none()
        return selectors.switches_of(user=self.request.user)

    @extend_schema(
        request=SwitchInputSerializer,
        responses={201: SwitchSerializer, 422: IDEMPOTENCY_CONFLICT, **TRADE_PIN_RESPONSES},
        parameters=[idempotency_key_parameter("switch"), TRADE_PIN_PARAMETER],
    )
    def post(self, request):
        key = request.META.get(IDEMPOTENCY_HEADER, "").strip()
        if not key or len(key) > 64:
            return Response({"idempotency_key": [KEY_REQUIRED]}, status=status.HTTP_400_BAD_REQUEST)
        serializer = SwitchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        from_product = tradable_product(slug=data["from_product"])
        if from_product is None:
            return Response({"from_product": [UNKNOWN_FUND]}, status=status.HTTP_400_BAD_REQUEST)
        to_product = tradable_product(slug=data["to_product"])
        if to_product is None:
            return Response({"to_product": [UNKNOWN_FUND]}, status=status.HTTP_400_BAD_REQUEST)
        trade_confirm_request(request)  # before anything is written
        try:
            switch, _created = services.switch_place(
                user=request.user,
                from_product=from_product,
                to_product=to_product,
                units=data["units"],
                acknowledge_risk=data["acknowledge_risk"],
                idempotency_key=key,
                request_hash=body_hash(request.data),
            )
        except services.SwitchIdempotencyConflictError as exc:
            return Response(
                {"idempotency_key": exc.messages}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        switch = selectors.switch_of(user=request.user, pk=switch.pk)
        return Response(SwitchSerializer(switch).data, status=status.HTTP_201_CREATED)


class MySwitchAPI(APIView):
    """One switch with its two orders."""

    @extend_schema(responses=SwitchSerializer)
    def get(self, request, pk: int):
        return Response(SwitchSerializer(_owned(request, pk)).data)


class SwitchCancelAPI(APIView):
    """Cancel the switch: both orders, before the cut-off (a 400 with the reason otherwise).
    Cancelling one of its orders alone (``/api/v1/orders/{id}/cancel/``) is refused."""

    @extend_schema(request=None, responses=SwitchSerializer)
    def post(self, request, pk: int):
        switch = services.switch_cancel(switch=_owned(request, pk), actor=request.user)
        return Response(SwitchSerializer(switch).data)
