"""Orders and cash for investors, and the portal API that combines orders with profiles."""

import hashlib
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin
from marketplace.throttling import MoneyActionThrottle
from products.models import Product
from products.selectors import tradable_product
from profiles.security.api import (
    TRADE_PIN_PARAMETER,
    TRADE_PIN_RESPONSES,
    trade_confirm_request,
)

from . import selectors, services
from .audience import THRESHOLD
from .cash import errors as card_errors
from .cash import selectors as card_selectors
from .exports import statement_csv
from .filters import InstitutionOrderFilter, InvestorOrderFilter
from .models import LotMovement, NavCorrection, Order, OrderStatus, Statement
from .serializers import (
    BuyOrderInputSerializer,
    CashSerializer,
    DepositInputSerializer,
    IdempotencyConflictSerializer,
    OrderInputSerializer,
    OrderPlacedSerializer,
    OrderSerializer,
    PaymentSerializer,
    PortfolioSerializer,
    SellOrderInputSerializer,
    StatementDetailSerializer,
    StatementSerializer,
    WithdrawalInputSerializer,
    order_placed_data,
)


def _table_json(table, rows, cols) -> dict:
    """Cells as numbers, or ``"< 20"`` where suppressed."""

    def show(n):
        return f"< {THRESHOLD}" if n is None else n

    return {
        "cells": {r: {c: show(table.cell(r, c)) for c, _ in cols} for r, _ in rows},
        "row_totals": {r: show(table.row_totals[r]) for r, _ in rows},
        "col_totals": {c: show(table.col_totals[c]) for c, _ in cols},
        "total": show(table.total),
    }


class AudienceAPI(PortalAPIMixin, APIView):
    """Consenting investors by two dimensions (``rows``, ``cols``: risk_level, age_cohort, city,
    income_band), split into the institution's customers and everyone else. Cells under 20
    people, and any cell that would let one be recovered from the totals, read ``"< 20"``."""

    @extend_schema(
        parameters=[
            OpenApiParameter("rows", str, enum=list(selectors.DIMENSIONS)),
            OpenApiParameter("cols", str, enum=list(selectors.DIMENSIONS)),
        ],
        responses=dict,
    )
    def get(self, request):
        rows = request.GET.get("rows", "risk_level")
        cols = request.GET.get("cols", "age_cohort")
        try:
            report = selectors.audience_report(
                institution=request.institution, rows_dim=rows, cols_dim=cols
            )
        except ValueError as exc:
            raise serializers.ValidationError({"rows": [str(exc)]}) from exc
        return Response(
            {
                "rows": rows,
                "cols": cols,
                "threshold": THRESHOLD,
                "row_labels": dict(report.rows),
                "col_labels": dict(report.cols),
                "customers": _table_json(report.customers, report.rows, report.cols),
                "others": _table_json(report.others, report.rows, report.cols),
            }
        )


class MyCashAPI(APIView):
    """The investor's cash balance and latest ledger entries."""

    @extend_schema(responses=CashSerializer)
    def get(self, request):
        account = services.cash_account_for(user=request.user)
        entries = account.entries.all()[:100]
        return Response(CashSerializer({"balance": account.balance, "entries": entries}).data)


def _with_card(request, data: dict) -> dict:
    """The validated body with ``card`` (an id) turned into the investor's own bound card; any
    other id is a 400 on ``card`` (never a sign that another investor's card exists)."""
    card = card_selectors.card_for(user=request.user, pk=data["card"])
    if card is None:
        raise serializers.ValidationError({"card": [str(card_errors.CARD_UNUSABLE[1])]})
    return {**data, "card": card}


class DepositAPI(APIView):
    """Top up from one of your bound cards (``card``: its id from GET /api/v1/me/cards/); the
    gateway charges the card's token. 201 with the payment: ``succeeded`` (cash added),
    ``pending`` (the bank confirms later) or ``declined``."""

    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "deposits"

    @extend_schema(request=DepositInputSerializer, responses={201: PaymentSerializer})
    def post(self, request):
        serializer = DepositInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _with_card(request, serializer.validated_data)
        payment = services.deposit_start(user=request.user, **data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class WithdrawalAPI(APIView):
    """Pay available cash out to one of your bound cards (``card``: its id)."""

    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "withdrawals"

    @extend_schema(
        request=WithdrawalInputSerializer,
        responses={201: PaymentSerializer, **TRADE_PIN_RESPONSES},
        parameters=[TRADE_PIN_PARAMETER],
    )
    def post(self, request):
        serializer = WithdrawalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _with_card(request, serializer.validated_data)
        trade_confirm_request(request)
        payment = services.withdrawal_request(user=request.user, **data)
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


IDEMPOTENCY_HEADER = "HTTP_IDEMPOTENCY_KEY"
KEY_REQUIRED = _("Send an Idempotency-Key header (up to 64 characters) with every new order.")


def idempotency_key_parameter(thing: str) -> OpenApiParameter:
    """The required ``Idempotency-Key`` header of an operation that places ``thing``."""
    return OpenApiParameter(
        "Idempotency-Key",
        str,
        OpenApiParameter.HEADER,
        required=True,
        description=f"A key unique to this {thing}, up to 64 characters: the same key "
        f"and body return the first {thing} and create nothing.",
        pattern=r"^[!-~]{1,64}$",
    )


IDEMPOTENCY_CONFLICT = OpenApiResponse(
    response=IdempotencyConflictSerializer,
    description="This Idempotency-Key was used before with another body.",
)


def body_hash(data) -> str:
    """The SHA-256 of a request body in canonical JSON: an Idempotency-Key replayed with a
    different body is a 422 (orders and switches)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class OrderListCreateAPI(generics.ListAPIView):
    """The investor's orders; POST places one (``Idempotency-Key`` header required: the same
    key and body return the first order and create nothing; the same key with another body is
    422; ``X-Trade-PIN`` required, checked before anything is written)."""

    serializer_class = OrderSerializer
    filterset_class = InvestorOrderFilter  # a bad value is a 400, as on the orders page
    throttle_classes = [MoneyActionThrottle]
    throttle_scope = "orders"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return selectors.order_history(user=self.request.user)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="OrderInput",
            serializers={"buy": BuyOrderInputSerializer, "sell": SellOrderInputSerializer},
            resource_type_field_name="side",
        ),
        responses={201: OrderPlacedSerializer, 422: IDEMPOTENCY_CONFLICT, **TRADE_PIN_RESPONSES},
        parameters=[idempotency_key_parameter("order"), TRADE_PIN_PARAMETER],
    )
    def post(self, request):
        key = request.META.get(IDEMPOTENCY_HEADER, "").strip()
        if not key or len(key) > 64:
            return Response({"idempotency_key": [KEY_REQUIRED]}, status=status.HTTP_400_BAD_REQUEST)
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        product = tradable_product(slug=data["product"])
        if product is None:
            return Response({"product": [services.NOT_ON_SALE]}, status=status.HTTP_400_BAD_REQUEST)
        # Before anything is written: a refused PIN leaves no order, so no Idempotency-Key
        # record, and a retry with the same key and the right PIN places the order.
        trade_confirm_request(request)
        try:
            order, created = services.order_place(
                user=request.user,
                product=product,
                side=data["side"],
                amount=data.get("amount"),
                units=data.get("units"),
                acknowledge_risk=data.get("acknowledge_risk", False),
                coupon=data.get("coupon", ""),
                idempotency_key=key,
                request_hash=body_hash(request.data),
            )
        except services.IdempotencyConflictError as exc:
            return Response(
                {"idempotency_key": exc.messages}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
            )
        if created and order.status == OrderStatus.PENDING:
            # Nothing is priced yet, so it has moved no lots: the answer need not ask. (What
            # prefetch_related_objects with an empty queryset stores, without its 0.4 ms.)
            order._prefetched_objects_cache = {"lot_movements": LotMovement.objects.none()}
        return Response(order_placed_data(order), status=status.HTTP_201_CREATED)


class HoldingsAPI(APIView):
    """The investor's holdings, valued at the latest NAV, with their lots and a total."""

    @extend_schema(responses=PortfolioSerializer)
    def get(self, request):
        return Response(PortfolioSerializer(selectors.portfolio_for(user=request.user)).data)


class OrderDetailAPI(generics.RetrieveAPIView):
    serializer_class = OrderSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return selectors.order_history(user=self.request.user)


class OrderCancelAPI(APIView):
    @extend_schema(request=None, responses=OrderSerializer)
    def post(self, request, pk):
        order = generics.get_object_or_404(Order.objects.filter(user=request.user), pk=pk)
        order = services.order_cancel(order=order, actor=request.user)
        return Response(OrderSerializer(order).data)


class PortalOrderListAPI(PortalAPIMixin, generics.ListAPIView):
    """The institution's own orders (filters: status, product, from, to; a bad value is a
    400, as on the portal page)."""

    serializer_class = OrderSerializer
    queryset = Order.objects.all()
    filterset_class = InstitutionOrderFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Order.objects.none()
        return selectors.order_list_for_institution(
            institution=self.request.institution
        ).prefetch_related("lot_movements__lot")  # the serializer's lots


class PortalStatementListAPI(PortalAPIMixin, generics.ListAPIView):
    """The institution's monthly statements, newest first."""

    serializer_class = StatementSerializer
    queryset = Statement.objects.order_by("-month")


class PortalStatementDetailAPI(PortalAPIMixin, generics.RetrieveAPIView):
    """One statement with its lines per product."""

    serializer_class = StatementDetailSerializer
    queryset = Statement.objects.prefetch_related("lines__product")


class PortalStatementCSVAPI(PortalAPIMixin, generics.GenericAPIView):
    """The statement as CSV: the same rows as the portal page."""

    queryset = Statement.objects.select_related("institution")

    @extend_schema(responses={(200, "text/csv"): str})
    def get(self, request, pk):
        return statement_csv(self.get_object())


class NavCorrectionInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    nav = serializers.CharField(max_length=20)
    reason = serializers.CharField(max_length=2000)


class NavCorrectionSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = NavCorrection
        fields = [
            "id",
            "product",
            "date",
            "old_nav",
            "new_nav",
            "reason",
            "status",
            "requested_at",
            "decided_at",
            "decision_reason",
        ]


class PortalNavCorrectionAPI(PortalAPIMixin, APIView):
    """GET the corrections asked for one of the institution's funds; POST ``{"date", "nav",
    "reason"}`` to ask for one (a NAV that already priced orders cannot be uploaded again;
    platform staff approve the correction, which re-prices the orders)."""

    queryset = Product.objects.all()

    def get_product(self, slug):
        return generics.get_object_or_404(self.get_queryset(), slug=slug)

    @extend_schema(responses=NavCorrectionSerializer(many=True))
    def get(self, request, slug):
        product = self.get_product(slug)
        corrections = NavCorrection.objects.filter(product=product).select_related("product")
        return Response(NavCorrectionSerializer(corrections, many=True).data)

    @extend_schema(request=NavCorrectionInputSerializer, responses={201: NavCorrectionSerializer})
    def post(self, request, slug):
        product = self.get_product(slug)
        data = NavCorrectionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        correction = services.nav_correction_request(
            product=product,
            date=data.validated_data["date"],
            new_nav=data.validated_data["nav"],
            reason=data.validated_data["reason"],
            actor=request.user,
        )
        return Response(NavCorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)
