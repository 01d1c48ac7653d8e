"""Watchlist and alerts API: ``/api/v1/me/watchlist/`` (list, add ``{"product": slug}``),
``/api/v1/me/watchlist/{product}/`` (remove, by slug or id), ``/api/v1/me/alerts/`` (list,
set) and ``/api/v1/me/alerts/{id}/`` (remove). The investor's own only: another's is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from . import watch
from .models import Alert, WatchItem
from .watch_serializers import (
    ALERT_INPUTS,
    AlertInputSerializer,
    AlertKindSerializer,
    AlertSerializer,
    WatchInputSerializer,
    WatchItemSerializer,
)


def _product_or_400(slug: str):
    product = watch.watchable_product(slug=slug)
    if product is None:
        raise ValidationError(
            {"product": ValidationError(watch.PRODUCT_UNKNOWN, code="product_unknown")}
        )
    return product


class WatchlistAPI(generics.ListAPIView):
    """GET: the watched products, newest first, each with its latest NAV, the day's change and
    its alerts. POST adds one (201; 200 when it was already watched)."""

    serializer_class = WatchItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WatchItem.objects.none()
        return watch.watchlist_of(user=self.request.user)

    @extend_schema(
        request=WatchInputSerializer,
        responses={
            201: WatchItemSerializer,
            200: OpenApiResponse(WatchItemSerializer, description="It was already watched."),
        },
    )
    def post(self, request):
        serializer = WatchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = _product_or_400(serializer.validated_data["product"])
        item, created = watch.watch_add(user=request.user, product=product)
        item = watch.watchlist_of(user=request.user).get(pk=item.pk)
        return Response(
            WatchItemSerializer(item).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WatchItemAPI(APIView):
    """DELETE: stop watching a product (named by slug or id) and drop its alerts; 404 when it
    is not on the watchlist."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "product",
                str,
                OpenApiParameter.PATH,
                description="The product's slug, or its id.",
                pattern=r"^[-a-zA-Z0-9_]{1,80}$",
            )
        ],
        responses={204: None},
    )
    def delete(self, request, product: str):
        if not watch.watch_remove(user=request.user, ref=product):
            raise NotFound(watch.NOT_WATCHED)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertsAPI(generics.ListAPIView):
    """GET: the investor's alerts, oldest first. POST sets one (201; 200 when the same alert
    was already set); its product joins the watchlist. At most 20 alerts per investor."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        return watch.alerts_of(user=self.request.user)

    @extend_schema(
        request=AlertInputSerializer,
        responses={
            201: AlertSerializer,
            200: OpenApiResponse(AlertSerializer, description="The same alert was already set."),
        },
    )
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        head = AlertKindSerializer(data=data)
        head.is_valid(raise_exception=True)
        serializer = ALERT_INPUTS[head.validated_data["kind"]](data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        product = _product_or_400(values["product"])
        alert, created = watch.alert_create(
            user=request.user,
            product=product,
            kind=values["kind"],
            threshold=values.get("threshold"),
        )
        return Response(
            AlertSerializer(watch.alert_of(user=request.user, pk=alert.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AlertAPI(APIView):
    """DELETE: remove one of the investor's alerts."""

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        try:
            watch.alert_delete(user=request.user, pk=pk)
        except Alert.DoesNotExist as exc:
            raise NotFound from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
