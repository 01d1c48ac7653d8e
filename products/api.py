"""Catalogue API (public) and the portal's product API (tenant-scoped)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.tenancy import PortalAPIMixin
from profiles.selectors import assessment_is_valid, investment_horizon
from profiles.services import profile_for

from . import selectors, services, yields
from .filters import CatalogueFilter
from .models import DailyYield, NavPrice, Product
from .serializers import (
    DailyYieldSerializer,
    NavCsvUploadSerializer,
    NavPriceSerializer,
    NavRowsSerializer,
    NavUploadResultSerializer,
    ProductCreateSerializer,
    ProductDetailSerializer,
    ProductListSerializer,
    ProductWriteSerializer,
    YieldCsvUploadSerializer,
    YieldRowsSerializer,
    YieldUploadResultSerializer,
)


class CatalogueListAPI(generics.ListAPIView):
    """Published products of approved institutions. Filters: kind, fund_type, risk_level
    (R1–R5, repeatable), institution (slug), max_min_purchase, q, and the bands fee_band,
    return_band, size_band, tenure_band (each repeatable: any of the values); an unknown value
    is a 400. Ordering: default, return_1y, fees, newest; ties by the published daily rotation
    (/about/ranking/)."""

    permission_classes = [AllowAny]
    serializer_class = ProductListSerializer
    filterset_class = CatalogueFilter

    def get_queryset(self):
        return selectors.catalogue_queryset()


class CatalogueDetailAPI(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProductDetailSerializer
    lookup_field = "slug"

    def get_object(self):
        try:
            return selectors.product_detail_for_catalogue(slug=self.kwargs["slug"])
        except Product.DoesNotExist as exc:
            raise Http404 from exc


class _CatalogueSeriesAPI(generics.ListAPIView):
    """A published product's daily series, oldest first. ``range``: 1m, 3m, 1y, all (default
    all)."""

    permission_classes = [AllowAny]
    pagination_class = None
    model: type

    @extend_schema(parameters=[OpenApiParameter("range", str, enum=["1m", "3m", "1y", "all"])])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def series(self, *, product, range_key: str) -> list:
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return self.model.objects.none()
        product = generics.get_object_or_404(
            selectors.catalogue_queryset(), slug=self.kwargs["slug"]
        )
        return self.series(product=product, range_key=self.request.GET.get("range", "all"))


class CatalogueNavAPI(_CatalogueSeriesAPI):
    """Daily NAV of a published fund, oldest first. ``range``: 1m, 3m, 1y, all (default all)."""

    serializer_class = NavPriceSerializer
    model = NavPrice

    def series(self, *, product, range_key: str) -> list:
        rows = selectors.nav_series(product=product, range_key=range_key)
        return [NavPrice(date=d, nav=n) for d, n in rows]


class CatalogueYieldAPI(_CatalogueSeriesAPI):
    """Daily yields of a published money-market fund, oldest first (its NAV is fixed at
    1.0000, so this is its price history). ``range``: 1m, 3m, 1y, all (default all)."""

    serializer_class = DailyYieldSerializer
    model = DailyYield

    def series(self, *, product, range_key: str) -> list:
        rows = yields.yield_series(product=product, range_key=range_key)
        return [DailyYield(date=d, income_per_10k=i, seven_day_yield=r) for d, i, r in rows]


# --- portal --------------------------------------------------------------------------------


class PortalProductListAPI(PortalAPIMixin, generics.ListCreateAPIView):
    queryset = Product.objects.select_related("institution").order_by("name")

    def get_serializer_class(self):
        return ProductCreateSerializer if self.request.method == "POST" else ProductDetailSerializer

    @extend_schema(request=ProductCreateSerializer, responses={201: ProductDetailSerializer})
    def post(self, request, *args, **kwargs):
        serializer = ProductCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for key in ("subscription_tiers", "redemption_tiers"):
            data.pop(key, None)
        product = services.product_create(
            institution=request.institution,
            actor=request.user,
            fee_tiers=serializer.fee_tiers(),
            **data,
        )
        return Response(ProductDetailSerializer(product).data, status=status.HTTP_201_CREATED)


class PortalProductDetailAPI(PortalAPIMixin, generics.RetrieveAPIView):
    queryset = Product.objects.select_related("institution")
    serializer_class = ProductDetailSerializer
    lookup_field = "slug"

    @extend_schema(request=ProductWriteSerializer, responses=ProductDetailSerializer)
    def patch(self, request, slug):
        product = self.get_object()
        serializer = ProductWriteSerializer(instance=product, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        terms = data.pop("terms", None)
        for key in ("subscription_tiers", "redemption_tiers", "kind", "fund_type", "code"):
            data.pop(key, None)
        result = services.product_update(
            product=product,
            actor=request.user,
            changes=data,
            terms=terms,
            fee_tiers=serializer.fee_tiers(),
        )
        product.refresh_from_db()
        body = ProductDetailSerializer(product).data
        body["pending_revision"] = result.revision.pk if result.revision else None
        return Response(body)


class PortalProductSubmitAPI(PortalAPIMixin, APIView):
    queryset = Product.objects.all()

    @extend_schema(request=None, responses=ProductDetailSerializer)
    def post(self, request, slug):
        product = generics.get_object_or_404(self.get_queryset(), slug=slug)
        product = services.product_submit(product=product, actor=request.user)
        return Response(ProductDetailSerializer(product).data)


class _PriceUploadAPI(PortalAPIMixin, APIView):
    """A daily price series: GET it; POST ``{"rows": [{"date", <figures>…}, …]}`` or a CSV
    ``file`` (one size limit for the form and the API). Each row is judged (a day only after
    its 15:00 cut-off) and the answer reports each one."""

    queryset = Product.objects.all()
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    figures: tuple[str, ...]  # the columns after ``date``
    rows_serializer: type

    def get_product(self, slug):
        return generics.get_object_or_404(self.get_queryset(), slug=slug)

    def parse(self, data: bytes) -> list:
        raise NotImplementedError

    def upload(self, *, product, actor, rows: list):
        raise NotImplementedError

    def post(self, request, slug):
        product = self.get_product(slug)
        if "file" in request.FILES:
            services.nav_file_check_size(file=request.FILES["file"])
            rows = self.parse(request.FILES["file"].read())
        else:
            serializer = self.rows_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            columns = ("date", *self.figures)
            rows = [
                (i, *(str(row.get(column, "")) for column in columns))
                for i, row in enumerate(serializer.validated_data["rows"], start=1)
            ]
        report = self.upload(product=product, actor=request.user, rows=rows)
        body = {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": [
                {
                    "line": r.line,
                    "date": r.date,
                    **{column: getattr(r, column) for column in self.figures},
                    "message": r.message,
                }
                | ({"code": r.code} if getattr(r, "code", "") else {})
                for r in report.rejected
            ],
        }
        return Response(body, status=status.HTTP_200_OK)


@extend_schema_view(
    post=extend_schema(
        request={
            "application/json": NavRowsSerializer,
            "multipart/form-data": NavCsvUploadSerializer,
        },
        responses=NavUploadResultSerializer,
    )
)
class PortalNavAPI(_PriceUploadAPI):
    """GET the series; POST ``{"rows": [{"date", "nav"}, …]}`` or a CSV ``file`` (date,nav)."""

    figures = ("nav",)
    rows_serializer = NavRowsSerializer

    @extend_schema(responses=NavPriceSerializer(many=True))
    def get(self, request, slug):
        product = self.get_product(slug)
        rows = product.nav_prices.order_by("date").values("date", "nav")
        return Response(NavPriceSerializer(rows, many=True).data)

    def parse(self, data: bytes) -> list:
        return services.parse_nav_csv(data)

    def upload(self, *, product, actor, rows: list):
        return services.nav_upload(product=product, actor=actor, rows=rows)


@extend_schema_view(
    post=extend_schema(
        request={
            "application/json": YieldRowsSerializer,
            "multipart/form-data": YieldCsvUploadSerializer,
        },
        responses=YieldUploadResultSerializer,
    )
)
class PortalYieldAPI(_PriceUploadAPI):
    """A money-market fund's daily yields. GET the series; POST ``{"rows": [{"date",
    "income_per_10k", "seven_day_yield"}, …]}`` or a CSV ``file`` with those columns."""

    figures = ("income_per_10k", "seven_day_yield")
    rows_serializer = YieldRowsSerializer

    @extend_schema(responses=DailyYieldSerializer(many=True))
    def get(self, request, slug):
        product = self.get_product(slug)
        rows = product.daily_yields.order_by("date").values(
            "date", "income_per_10k", "seven_day_yield"
        )
        return Response(DailyYieldSerializer(rows, many=True).data)

    def parse(self, data: bytes) -> list:
        return yields.parse_yield_csv(data)

    def upload(self, *, product, actor, rows: list):
        return yields.yield_upload(product=product, actor=actor, rows=rows)


class MyRecommendationsAPI(generics.ListAPIView):
    """Products that suit the signed-in investor, best fit first (never a mismatched one)."""

    serializer_class = ProductListSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Product.objects.none()
        profile = profile_for(user=self.request.user)
        return selectors.recommendations_for(
            risk_level=profile.risk_level,
            assessment_valid=assessment_is_valid(profile),
            goal=profile.investment_goal,
            horizon=investment_horizon(user=self.request.user),
            held_by=self.request.user,
        )
