"""What institutions sell: products with kind-specific terms, fee tiers, NAV series, documents,
articles, and the audit trail of every review and every change of a published product.

One module per family of tables (``product``, ``terms``, ``prices``, ``review``,
``storefront``); this package imports them all so that Django finds them under the ``products``
app and every ``from products.models import …`` keeps working (migration 0005 names
``products.models.document_upload_to``)."""

from institutions.models import ProductKind

# Django registers the models in this order (the order the single module had).
from .product import (
    FUND_TYPE_SEARCH_WORDS,
    KIND_RISK_MEANING,
    RISK_MEANING,
    FundType,
    Product,
    ProductStatus,
    RiskLevel,
    risk_code,
)

# isort: split
from .terms import TERMS_FIELDS, FundTerms, InsuranceTerms, SavingsTerms

# isort: split
from .prices import DailyYield, FeeSchedule, FeeTier, NavPrice

# isort: split
from .review import (
    REQUIRED_DOCUMENTS,
    DocumentKind,
    ProductDocument,
    ProductEvent,
    ProductEventKind,
    ProductRevision,
    RevisionStatus,
    document_upload_to,
)

# isort: split
from .storefront import (
    Article,
    ArticleKind,
    ArticleStatus,
    CuratedList,
    CuratedListItem,
    ProductPageViewDay,
)

# isort: split
# The fund's periodic report lives in its own module (products/report_models.py).
from ..report_models import (
    AssetClass,
    FundReport,
    FundReportAllocation,
    FundReportHolding,
    FundReportManager,
    ReportPeriod,
    ReportStatus,
)

__all__ = [
    "FUND_TYPE_SEARCH_WORDS",
    "KIND_RISK_MEANING",
    "REQUIRED_DOCUMENTS",
    "RISK_MEANING",
    "TERMS_FIELDS",
    "Article",
    "ArticleKind",
    "ArticleStatus",
    "AssetClass",
    "CuratedList",
    "CuratedListItem",
    "DailyYield",
    "DocumentKind",
    "FeeSchedule",
    "FeeTier",
    "FundReport",
    "FundReportAllocation",
    "FundReportHolding",
    "FundReportManager",
    "FundTerms",
    "FundType",
    "InsuranceTerms",
    "NavPrice",
    "Product",
    "ProductDocument",
    "ProductEvent",
    "ProductEventKind",
    "ProductKind",
    "ProductPageViewDay",
    "ProductRevision",
    "ProductStatus",
    "ReportPeriod",
    "ReportStatus",
    "RevisionStatus",
    "RiskLevel",
    "SavingsTerms",
    "document_upload_to",
    "risk_code",
]
