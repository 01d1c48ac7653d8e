"""Portal API for a fund's periodic reports (tenant-scoped, like every portal endpoint):
``GET/POST /api/v1/portal/products/{slug}/reports/`` (JSON or one CSV ``file``) and
``POST …/reports/{report_pk}/submit/``."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.models import ProductKind
from institutions.tenancy import PortalAPIMixin
from marketplace.fields import DecimalStringField, WholeNumberField
from marketplace.money import AMOUNT_MAX_DIGITS
from marketplace.validators import plain_text

from . import report_selectors as selectors
from .models import Product
from .report_models import AssetClass, FundReport, ReportPeriod, ReportStatus
from .services import report_csv
from .services import reports as services

_PERCENT = {"places": 2, "maximum": 100}
_SIGNED_PERCENT = RegexValidator(
    r"^-?[0-9]{1,4}(?:\.[0-9]{1,2})?$", 'A percentage with at most 2 decimals, e.g. "-3.25".'
)


class ManagerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, validators=[plain_text])
    since = serializers.DateField()
    bio = serializers.CharField(
        max_length=500, allow_blank=True, default="", validators=[plain_text]
    )


class HoldingSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, validators=[plain_text])
    code = serializers.CharField(max_length=20, validators=[plain_text])
    percent_of_nav = DecimalStringField(**_PERCENT, help_text='% of net assets, e.g. "9.85"')


class AllocationSerializer(serializers.Serializer):
    stocks = DecimalStringField(**_PERCENT)
    bonds = DecimalStringField(**_PERCENT)
    cash = DecimalStringField(**_PERCENT)
    other = DecimalStringField(**_PERCENT)


class ReportWriteSerializer(serializers.Serializer):
    """A report's content; percentages in percent (``"9.85"``). The allocation adds up to 100."""

    year = WholeNumberField(min_value=2000, max_value=2100)
    period = serializers.ChoiceField(choices=ReportPeriod.choices)
    fund_size = DecimalStringField(
        places=2, maximum=10 ** (AMOUNT_MAX_DIGITS - 2) - 1, positive=True
    )
    fund_size_date = serializers.DateField()
    benchmark_name = serializers.CharField(max_length=200, validators=[plain_text])
    benchmark_return_1y_percent = serializers.CharField(
        required=False,
        allow_null=True,
        validators=[_SIGNED_PERCENT],
        help_text="The benchmark's return over the year to the period end, in percent.",
    )
    managers = ManagerSerializer(many=True, min_length=1, max_length=services.MAX_MANAGERS)
    holdings = HoldingSerializer(many=True, max_length=services.MAX_HOLDINGS, required=False)
    allocation = AllocationSerializer()
    submit = serializers.BooleanField(
        default=False, help_text="Submit for staff review at once (else it stays a draft)."
    )

    def report_data(self) -> services.ReportData:
        data = self.validated_data
        bench = data.get("benchmark_return_1y_percent")
        return services.ReportData(
            year=data["year"],
            period=data["period"],
            fund_size=data["fund_size"],
            fund_size_date=data["fund_size_date"],
            benchmark_name=data["benchmark_name"],
            benchmark_return_percent=None if bench in (None, "") else Decimal(bench),
            managers=[
                services.ManagerRow(m["name"], m["since"], m["bio"]) for m in data["managers"]
            ],
            holdings=[
                services.HoldingRow(h["name"], h["code"], h["percent_of_nav"])
                for h in data.get("holdings", [])
            ],
            allocation=dict(data["allocation"]),
        )


class ReportCsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="One CSV with the header record,name,code,value,date,note (see the portal's "
        "report page for the records)."
    )
    submit = serializers.BooleanField(default=False)


class ManagerOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    since = serializers.DateField()
    bio = serializers.CharField()


class HoldingOutSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    percent_of_nav = serializers.DecimalField(max_digits=5, decimal_places=2)


class AllocationOutSerializer(serializers.Serializer):
    stocks = serializers.DecimalField(max_digits=5, decimal_places=2)
    bonds = serializers.DecimalField(max_digits=5, decimal_places=2)
    cash = serializers.DecimalField(max_digits=5, decimal_places=2)
    other = serializers.DecimalField(max_digits=5, decimal_places=2)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    period = serializers.ChoiceField(choices=ReportPeriod.choices)
    period_label = serializers.CharField()
    period_end = serializers.DateField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    is_current = serializers.BooleanField()
    fund_size = serializers.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=2)
    fund_size_date = serializers.DateField()
    benchmark_name = serializers.CharField()
    benchmark_return_1y_percent = serializers.SerializerMethodField()
    managers = ManagerOutSerializer(many=True)
    holdings = HoldingOutSerializer(many=True)
    allocation = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField(help_text="The reviewer's reason (blank until reviewed).")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_benchmark_return_1y_percent(self, report) -> str | None:
        value = report.benchmark_return_1y
        return None if value is None else f"{(value * 100).quantize(Decimal('0.01'))}"

    @extend_schema_field(AllocationOutSerializer)
    def get_allocation(self, report) -> dict:
        shares = {a.asset_class: f"{a.percent_of_nav}" for a in report.allocation.all()}
        return {asset: shares.get(asset, "0.00") for asset in AssetClass.values}


class _FundMixin(PortalAPIMixin):
    queryset = Product.objects.filter(kind=ProductKind.FUND)

    def get_fund(self, slug) -> Product:
        return generics.get_object_or_404(
            self.get_queryset().select_related("institution"), slug=slug
        )


def _reports(product):
    return selectors.reports_for_fund(product=product).prefetch_related(
        "managers", "holdings", "allocation"
    )


@extend_schema_view(
    get=extend_schema(responses=ReportSerializer(many=True)),
    post=extend_schema(
        request={
            "application/json": ReportWriteSerializer,
            "multipart/form-data": ReportCsvUploadSerializer,
        },
        responses={201: ReportSerializer},
    ),
)
class PortalReportListAPI(_FundMixin, APIView):
    """The fund's reports, newest period first; POST saves the draft (JSON, or one CSV
    ``file``), replacing the content of the draft it has, and with ``submit`` submits it."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get(self, request, slug):
        product = self.get_fund(slug)
        return Response(ReportSerializer(_reports(product), many=True).data)

    def post(self, request, slug):
        product = self.get_fund(slug)
        if "file" in request.FILES:
            upload = ReportCsvUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            data = report_csv.parse_report_csv(upload.validated_data["file"].read())
            submit = upload.validated_data["submit"]
        else:
            serializer = ReportWriteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data, submit = serializer.report_data(), serializer.validated_data["submit"]
        try:
            report = services.fund_report_save(product=product, actor=request.user, data=data)
        except ValidationError as exc:  # the service's names for the fields, as the API spells them
            if hasattr(exc, "error_dict") and "benchmark_return_percent" in exc.error_dict:
                errors = dict(exc.error_dict)
                errors["benchmark_return_1y_percent"] = errors.pop("benchmark_return_percent")
                raise ValidationError(errors) from exc
            raise
        if submit:
            report = services.fund_report_submit(report=report, actor=request.user)
        report = _reports(product).get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class PortalReportSubmitAPI(_FundMixin, APIView):
    """Draft → waiting for staff review."""

    @extend_schema(request=None, responses=ReportSerializer)
    def post(self, request, slug, report_pk):
        product = self.get_fund(slug)
        report = generics.get_object_or_404(
            FundReport.objects.select_related("product__institution"), product=product, pk=report_pk
        )
        services.fund_report_submit(report=report, actor=request.user)
        return Response(ReportSerializer(_reports(product).get(pk=report.pk)).data)
