"""Trading: the investor's cash ledger, payments through a gateway, the trading calendar,
orders with their events, holdings and lots, end-of-day runs, commission entries and monthly
statements, one module per family. Django finds every model of the app through this package,
and ``from orders.models import X`` keeps working for every name (the Django convention)."""

# This package's modules, in the order their models were always registered.
from .cash import (  # noqa: F401
    CashAccount,
    CashEntry,
    EntryKind,
    Payment,
    PaymentDirection,
    PaymentStatus,
)
from .trading import (  # noqa: F401
    ORDER_TRANSITIONS,
    Holiday,
    Order,
    OrderEvent,
    OrderStatus,
    PurchaseRefusal,
    Side,
)

# isort: split
from .holdings import Holding, Lot, LotMovement, LotSource, MovementKind  # noqa: F401

# isort: split
from .end_of_day import EndOfDayPart, EndOfDayRun  # noqa: F401

# isort: split
from .settlement import (  # noqa: F401
    CommissionEntry,
    CommissionKind,
    Statement,
    StatementLine,
    StatementStatus,
)

# isort: split
# --- models of their own modules and of the sub-packages, imported here so that Django finds
# them (isort keeps this block in alphabetical order) --------------------------------------------

# After-sales service: questions and complaints (orders/aftersales).
from ..aftersales.models import (  # noqa: F401
    RequestEvent,
    RequestMessage,
    ServiceRequest,
)

# Campaigns, offers and the inbox (orders/campaigns).
from ..campaigns.models import (  # noqa: F401
    Campaign,
    CampaignEvent,
    CampaignRange,
    CampaignStatus,
    EmailState,
    InboxMessage,
    MessageKind,
    Topic,
    Trigger,
)

# --- bank cards (orders/cash/) ----------------------------------------------------------------
from ..cash.models import BankCard, CardKind, CardStatus  # noqa: F401

# NAV corrections.
from ..correction_models import (  # noqa: F401
    CorrectionStatus,
    NavCorrection,
    NavCorrectionLine,
)

# --- discount cards and coupons (orders/coupons/) ----------------------------------------------
from ..coupons.models import (  # noqa: F401
    Coupon,
    CouponEvent,
    CouponGrant,
    CouponKind,
    CouponPayer,
    CouponRedemption,
    CouponStatus,
    RedemptionStatus,
)

# --- the watchlist and its alerts (orders/insight/) ---------------------------------------------
from ..insight.models import Alert, AlertFiring, AlertKind, WatchItem  # noqa: F401

# --- distributions of funds (orders/plans/distributions/) ----------------------------------------
from ..plans.distributions.models import (  # noqa: F401
    Distribution,
    DistributionEvent,
    DistributionPayment,
    DistributionStatus,
    Election,
    HoldingElection,
)

# --- automatic investment plans (orders/plans/) -------------------------------------------------
from ..plans.models import (  # noqa: F401
    Frequency,
    InvestmentPlan,
    PlanEvent,
    PlanPurchase,
    PlanStatus,
    PurchaseStatus,
)

# --- switching between funds of one institution (orders/plans/switching/) -------------------------
from ..plans.switching.models import Switch, SwitchStatus  # noqa: F401
