"""One factory per model (factory_boy). Later issues add theirs here or per app."""

import datetime as dt
import secrets
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from institutions.models import (
    CommissionContract,
    Institution,
    InstitutionEvent,
    InstitutionStatus,
    InstitutionType,
    Invitation,
    Membership,
    ProductKind,
    Role,
)
from products.fees import parse_tiers
from products.models import (
    Article,
    FeeSchedule,
    FeeTier,
    FundTerms,
    FundType,
    InsuranceTerms,
    NavPrice,
    Product,
    ProductStatus,
    SavingsTerms,
)
from profiles.identity.documents import document_hash
from profiles.models import DocumentType, Identity, IdentityStatus, TradePin, User
from profiles.security.pin_hash import pin_hash

PASSWORD = "correct-horse-battery-9"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ"
# The trade PIN of investor_with_cash() and UserFactory(trade_pin=True): money forms send it as
# ``trade_pin``, API calls as the X-Trade-PIN header (PIN_HEADER).
TRADE_PIN = "246810"
PIN_HEADER = {"HTTP_X_TRADE_PIN": TRADE_PIN}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Verified e-mail by default; ``verified=False`` for an unverified account."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        self.save()

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """``mfa=True`` activates TOTP with :data:`TOTP_SECRET`."""
        if create and extracted:
            TOTP.activate(self, TOTP_SECRET)

    @factory.post_generation
    def identity(self, create, extracted, **kwargs):
        """A verified identity (born 1990) by default, as buying and depositing need one;
        ``identity=False`` for an account that has not verified it. ``IdentityFactory(user=…)``
        later replaces this one."""
        if create and extracted is not False:
            IdentityFactory(user=self, provider_reference=AUTOMATIC_IDENTITY)

    @factory.post_generation
    def trade_pin(self, create, extracted, **kwargs):
        """``trade_pin=True`` sets :data:`TRADE_PIN` (a string sets that PIN instead)."""
        if create and extracted:
            give_trade_pin(self, TRADE_PIN if extracted is True else extracted)


def give_trade_pin(user, pin: str = TRADE_PIN) -> TradePin:
    """Set ``user``'s trade PIN directly (the service asks for a verified identity first)."""
    return TradePin.objects.create(user=user, pin_hash=pin_hash(pin), set_at=timezone.now())


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def identity(self, create, extracted, **kwargs):
        """Staff invest through no account of theirs: no identity unless ``identity=True``."""
        if create and extracted:
            IdentityFactory(user=self, provider_reference=AUTOMATIC_IDENTITY)

    @factory.post_generation
    def mfa(self, create, extracted, **kwargs):
        """Staff have TOTP set up unless ``mfa=False``."""
        if create and extracted is not False:
            TOTP.activate(self, TOTP_SECRET)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"institution-{n}")
    type = InstitutionType.FUND_COMPANY
    status = InstitutionStatus.APPROVED
    licence_number = factory.Sequence(lambda n: f"LIC-{n:06d}")
    registered_address = "1 Finance Street, Shanghai"
    website = "https://institution.example"
    contact_name = "Contact Person"
    contact_email = factory.Sequence(lambda n: f"contact{n}@institution.example")
    requested_kinds = factory.LazyFunction(lambda: [ProductKind.FUND])
    description = "A demo institution."
    applicant = factory.SubFactory(UserFactory)


class InstitutionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionEvent

    institution = factory.SubFactory(InstitutionFactory)
    actor = factory.SubFactory(StaffFactory)
    from_status = InstitutionStatus.APPLIED
    to_status = InstitutionStatus.APPROVED
    reason = "Checked."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Role.EDITOR


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    institution = factory.SubFactory(InstitutionFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EDITOR
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class CommissionContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionContract

    institution = factory.SubFactory(InstitutionFactory)
    product_kind = ProductKind.FUND
    upfront_rate = Decimal("0.003")
    trail_rate = Decimal("0.3")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    created_by = factory.SubFactory(StaffFactory)


# --- products -------------------------------------------------------------------------------

SUBSCRIPTION_TIERS = (
    "0 - 500000 : 1.5%\n500000 - 1000000 : 1%\n1000000 - 5000000 : 0.5%\n5000000 - : fixed 1000"
)
REDEMPTION_TIERS = "0 - 7 : 1.5%\n7 - 30 : 0.75%\n30 - 365 : 0.5%\n365 - 730 : 0.25%\n730 - : 0%"


class ProductFactory(factory.django.DjangoModelFactory):
    """A published bond fund with the typical fee schedule (no NAV unless asked)."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    institution = factory.SubFactory(InstitutionFactory)
    kind = ProductKind.FUND
    fund_type = factory.LazyAttribute(lambda o: FundType.BOND if o.kind == ProductKind.FUND else "")
    name = factory.Sequence(lambda n: f"Steady Bond Fund {n}")
    slug = factory.Sequence(lambda n: f"steady-bond-{n}")
    code = factory.Sequence(lambda n: f"{100000 + n:06d}")
    risk_level = 2
    summary = "A bond fund for steady income."
    description = "Invests in government and high-grade corporate bonds."
    min_purchase = Decimal("10.00")
    status = ProductStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    headline_fee_rate = Decimal("0.015")

    @factory.post_generation
    def terms(self, create, extracted, **kwargs):
        if not create:
            return
        if self.kind == ProductKind.FUND:
            FundTerms.objects.create(
                product=self,
                management_fee_rate=Decimal("0.006"),
                custody_fee_rate=Decimal("0.002"),
            )
            if self.fund_type != FundType.MONEY_MARKET:
                for schedule, text in (
                    (FeeSchedule.SUBSCRIPTION, SUBSCRIPTION_TIERS),
                    (FeeSchedule.REDEMPTION, REDEMPTION_TIERS),
                ):
                    FeeTier.objects.bulk_create(
                        FeeTier(
                            product=self,
                            schedule=schedule,
                            lower=t.lower,
                            upper=t.upper,
                            rate=t.rate,
                            fixed_fee=t.fixed_fee,
                        )
                        for t in parse_tiers(text)
                    )
        elif self.kind == ProductKind.INSURANCE:
            InsuranceTerms.objects.create(
                product=self,
                premium=Decimal("1200.00"),
                coverage_amount=Decimal("500000.00"),
                term_months=12,
                cooling_off_days=15,
                cancellation_fee=Decimal("10.00"),
            )
        else:
            SavingsTerms.objects.create(
                product=self,
                term_months=12,
                annual_rate=Decimal("0.021"),
                early_withdrawal_rate=Decimal("0.002"),
            )


class NavPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NavPrice

    product = factory.SubFactory(ProductFactory)
    date = factory.Sequence(lambda n: dt.date(2025, 1, 1) + dt.timedelta(days=n))
    nav = Decimal("1.0000")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Market letter {n}")
    body = "A calm look at the bond market."
    author = factory.SubFactory(UserFactory)


AUTOMATIC_IDENTITY = "factory-automatic"


def set_nav(product, day: dt.date, value) -> None:
    """Publish ``value`` as ``product``'s NAV on ``day`` and make it the latest one."""
    NavPrice.objects.update_or_create(product=product, date=day, defaults={"nav": Decimal(value)})
    product.latest_nav, product.latest_nav_date = Decimal(value), day
    product.save(update_fields=["latest_nav", "latest_nav_date"])


def _factory_birth(n: int) -> dt.date:
    return dt.date(1990, 1, 1) + dt.timedelta(days=n // 1000)


class IdentityFactory(factory.django.DjangoModelFactory):
    """A verified mainland resident identity card of someone born in 1990 (a real-format number
    with a valid check character; the sequence keeps numbers unique). It replaces the identity
    ``UserFactory`` gave the user by default."""

    class Meta:
        model = Identity

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = kwargs.get("user")
        if user is not None and kwargs.get("provider_reference") != AUTOMATIC_IDENTITY:
            model_class.objects.filter(user=user, provider_reference=AUTOMATIC_IDENTITY).delete()
        return super()._create(model_class, *args, **kwargs)

    user = factory.SubFactory(UserFactory)
    legal_name = factory.Sequence(lambda n: f"Investor {n}")
    document_type = DocumentType.RESIDENT_ID
    # Born 1990-01-01 (a day later for every thousand identities, so numbers stay unique).
    document_number = factory.Sequence(lambda n: resident_id(_factory_birth(n), n))
    document_hash = factory.LazyAttribute(
        lambda o: document_hash(o.document_type, o.document_number)
    )
    document_last4 = factory.LazyAttribute(lambda o: o.document_number[-4:])
    date_of_birth = factory.Sequence(lambda n: _factory_birth(n))
    nationality = "CN"
    status = IdentityStatus.VERIFIED
    provider = "sandbox"
    submitted_at = factory.LazyFunction(timezone.now)
    verified_at = factory.LazyAttribute(
        lambda o: o.submitted_at if o.status == IdentityStatus.VERIFIED else None
    )


def resident_id(birth: dt.date, sequence: int, region: str = "110101") -> str:
    """An 18-character resident ID number for ``birth``: region, date, 3-digit sequence and the
    ISO 7064 MOD 11-2 check character (computed by python-stdnum)."""
    from stdnum.cn import ric

    body = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"  # unique for 1,000 a test
    return body + ric.calc_check_digit(body + "0")  # it expects (and ignores) a check slot


def sandbox_card_number(behaviour: str = "ok") -> str:
    """The sandbox's test card number whose payments do ``behaviour``: ok, declined or late."""
    from orders.cash.gateway import SANDBOX_CARDS

    return next(c.number for c in SANDBOX_CARDS if c.behaviour == f"sandbox_{behaviour}")


def bound_card(user, behaviour: str = "ok"):
    """A sandbox card bound to ``user`` through the real service (payments on it do
    ``behaviour``: ok, declined or late), or the one already bound; gives the user a
    verified identity first if they have none. The user's first card becomes their default."""
    from orders.cash.selectors import cards_for
    from orders.cash.services import card_bind
    from profiles.identity.selectors import verified_identity

    if verified_identity(user=user) is None:
        IdentityFactory(user=user)
    bound = cards_for(user=user).filter(token__startswith=f"sandbox_{behaviour}.").first()
    return bound or card_bind(user=user, card_number=sandbox_card_number(behaviour))


class BankCardFactory(factory.django.DjangoModelFactory):
    """A bound card written directly (for gateways other than the sandbox); prefer
    :func:`bound_card`, which binds through the service."""

    class Meta:
        model = "orders.BankCard"

    user = factory.SubFactory(UserFactory)
    gateway = "sandbox"
    token = factory.Sequence(lambda n: f"sandbox_ok.factory{n:08d}")
    fingerprint = factory.Sequence(lambda n: f"fp{n:062d}")
    last4 = factory.Sequence(lambda n: f"{n % 10000:04d}")
    bank_name = "Sandbox Commercial Bank"
    holder_name = factory.Sequence(lambda n: f"Investor {n}")
    is_default = True


def investor_with_cash(level: int = 3, cash: str = "10000", **user_fields) -> User:
    """A verified investor at risk level C``level`` with a valid assessment, the trade PIN
    :data:`TRADE_PIN`, a bound sandbox card (payments succeed; their default) and ``cash``
    topped up from it."""
    from orders import services
    from profiles.models import InvestorProfile

    user_fields.setdefault("trade_pin", True)
    user = UserFactory(**user_fields)  # with a verified identity unless identity=False
    InvestorProfile.objects.create(
        user=user, risk_level=level, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount=cash, card=bound_card(user))
    return user


def attach_required_documents(product, *, uploaded_by=None):
    """The documents the product's kind needs before staff can publish it (small real PDFs)."""
    from django.core.files.base import ContentFile

    from products.documents import minimal_pdf
    from products.models import REQUIRED_DOCUMENTS, DocumentKind, ProductDocument

    uploaded_by = uploaded_by or UserFactory()
    for kind in REQUIRED_DOCUMENTS[product.kind]:
        label = DocumentKind(kind).label
        content = minimal_pdf(title=f"{product.name}: {label}", lines=[label])
        document = ProductDocument(
            product=product,
            kind=kind,
            title=label,
            size=len(content),
            content_type="application/pdf",
            uploaded_by=uploaded_by,
        )
        document.file.save(f"{product.slug}-{kind}.pdf", ContentFile(content), save=False)
        document.save()
