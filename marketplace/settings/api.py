"""The REST API (DRF: authentication, parsers, pagination, throttles) and its OpenAPI schema."""

from .auth import TRUSTED_PROXY_COUNT
from .environment import env

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Both apply the MFA rule of staff and institution admins (institutions.authentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "institutions.authentication.XSessionTokenAuthentication",
        "institutions.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    # Bodies are JSON (DESIGN §7); the NAV upload adds its multipart CSV file itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.StandardPagination",
    "PAGE_SIZE": 20,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Per investor (marketplace.throttling.MoneyActionThrottle, writes only).
    "DEFAULT_THROTTLE_RATES": {
        "deposits": env("THROTTLE_DEPOSITS", default="30/minute"),
        "withdrawals": env("THROTTLE_WITHDRAWALS", default="30/minute"),
        # Binding a card: few a person ever needs; many is someone trying card numbers.
        "card_binds": env("THROTTLE_CARD_BINDS", default="10/hour"),
        "orders": env("THROTTLE_ORDERS", default="120/minute"),
        "trade_pin": env("THROTTLE_TRADE_PIN", default="20/minute"),
        # Identity submissions: a few a day are plenty, and a limit stops probing for numbers.
        "identity": env("THROTTLE_IDENTITY", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fortune Market API",
    "DESCRIPTION": "Catalogue, investor, orders and portal API. Money is a decimal string.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets are served by the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProductKindEnum": "institutions.models.ProductKind",
        "TradePinErrorCodeEnum": "profiles.security.api.ERROR_CODES",
        "TradePinStateEnum": "profiles.security.api.PIN_STATES",
        "InstitutionTypeEnum": "institutions.models.InstitutionType",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "OrderSideEnum": "orders.models.Side",
        "PaymentStatusEnum": "orders.models.PaymentStatus",
        "StatementStatusEnum": "orders.models.StatementStatus",
        "CampaignStatusEnum": "orders.campaigns.models.CampaignStatus",
        "RequestKindEnum": "orders.aftersales.models.RequestKind",
        "RequestStatusEnum": "orders.aftersales.models.RequestStatus",
        "RequestSideEnum": "orders.aftersales.models.Side",
        "CouponKindEnum": "orders.coupons.models.CouponKind",
        "CouponStatusEnum": "orders.coupons.models.CouponStatus",
        "CouponPayerEnum": "orders.coupons.models.CouponPayer",
        "PlanFrequencyEnum": "orders.plans.models.Frequency",
        "PlanStatusEnum": "orders.plans.models.PlanStatus",
        "PlanPurchaseStatusEnum": "orders.plans.models.PurchaseStatus",
        "IdentityStatusEnum": "profiles.identity.models.IdentityStatus",
        "DocumentTypeEnum": "profiles.identity.models.DocumentType",
        "ReportPeriodEnum": "products.report_models.ReportPeriod",
        "ReportStatusEnum": "products.report_models.ReportStatus",
    },
}
