"""Coupon API: the investor's wallet (``/api/v1/me/coupons/``) and the portal's coupons
(``/api/v1/portal/coupons/``, scoped to the member's institution: another's is a 404)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin

from . import selectors, services
from .models import Coupon
from .serializers import (
    ClaimInputSerializer,
    CouponInputSerializer,
    CouponSerializer,
    CouponStatusInputSerializer,
    GrantInputSerializer,
    GrantResultSerializer,
    WalletCouponSerializer,
)


class MyCouponsAPI(APIView):
    """GET: the coupons and cards in the investor's wallet, usable ones first, each with why
    not if it cannot be used. POST ``{"code"}`` claims a code coupon into the wallet."""

    @extend_schema(responses=WalletCouponSerializer(many=True))
    def get(self, request):
        items = selectors.wallet_for(user=request.user)
        return Response(WalletCouponSerializer(items, many=True).data)

    @extend_schema(request=ClaimInputSerializer, responses={201: WalletCouponSerializer})
    def post(self, request):
        serializer = ClaimInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = services.coupon_claim(user=request.user, code=serializer.validated_data["code"])
        item = selectors.WalletItem(grant.coupon, grant, "")
        return Response(WalletCouponSerializer(item).data, status=status.HTTP_201_CREATED)


class PortalCouponListAPI(PortalAPIMixin, generics.ListAPIView):
    """The institution's coupons with budget and count used; POST creates one (editors and
    admins), paid by the institution."""

    serializer_class = CouponSerializer
    queryset = Coupon.objects.prefetch_related("products").select_related("institution")

    @extend_schema(request=CouponInputSerializer, responses={201: CouponSerializer})
    def post(self, request):
        serializer = CouponInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coupon = services.coupon_create(
            institution=request.institution, actor=request.user, **serializer.validated_data
        )
        return Response(CouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


class PortalCouponDetailAPI(PortalAPIMixin, generics.RetrieveAPIView):
    serializer_class = CouponSerializer
    queryset = Coupon.objects.prefetch_related("products").select_related("institution")


class PortalCouponStatusAPI(PortalAPIMixin, generics.GenericAPIView):
    """Pause, resume or end a coupon (orders already holding it keep their discount)."""

    queryset = Coupon.objects.prefetch_related("products").select_related("institution")
    serializer_class = CouponStatusInputSerializer

    @extend_schema(request=CouponStatusInputSerializer, responses={200: CouponSerializer})
    def post(self, request, pk):
        coupon = self.get_object()
        serializer = CouponStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        coupon = services.coupon_set_status(
            coupon=coupon, actor=request.user, status=serializer.validated_data["status"]
        )
        return Response(CouponSerializer(coupon).data)


class PortalCouponGrantAPI(PortalAPIMixin, generics.GenericAPIView):
    """Grant the coupon to chosen customers of the institution, by e-mail."""

    queryset = Coupon.objects.all()
    serializer_class = GrantInputSerializer

    @extend_schema(request=GrantInputSerializer, responses={200: GrantResultSerializer})
    def post(self, request, pk):
        coupon = self.get_object()
        serializer = GrantInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        granted = services.coupon_grant_by_emails(
            coupon=coupon, emails=serializer.validated_data["emails"], actor=request.user
        )
        return Response({"granted": granted})
