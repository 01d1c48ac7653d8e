"""Demo institutions, members and contracts for ``seed_demo`` (idempotent; uses the services)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from . import branding
from .models import (
    CommissionContract,
    Institution,
    InstitutionStatus,
    InstitutionType,
    Membership,
    ProductKind,
    Role,
    UpfrontBasis,
)
from .services import applications, contracts

DEMO_PASSWORD = "fortune-demo-2026"  # noqa: S105 - demo data, printed in README
# Base32 TOTP secret shared by the demo accounts that must use MFA (staff, institution admins).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

STAFF_EMAIL = "staff@fortune.example"

INSTITUTIONS = [
    {
        "slug": "southern-cross-funds",
        "name": "Southern Cross Fund Management Co., Ltd.",
        "name_zh_hans": "南十字基金管理有限公司",
        "type": InstitutionType.FUND_COMPANY,
        "licence_number": "CSRC-FM-2003-017",
        "registered_address": "88 Binhai Avenue, Futian, Shenzhen",
        "website": "https://southern-cross.example",
        "contact_name": "Li Wei",
        "requested_kinds": [ProductKind.FUND],
        "description": "Mutual funds since 1998: money-market, bond, mixed and equity funds.",
        "description_zh_hans": "1998年起专注公募基金：货币、债券、混合和股票基金。",
        "domain": "southern-cross.example",
    },
    {
        "slug": "jade-river-bank",
        "name": "Jade River Commercial Bank",
        "name_zh_hans": "玉河商业银行",
        "type": InstitutionType.BANK,
        "licence_number": "CBIRC-B-0042",
        "registered_address": "1 Riverside Road, Huangpu, Shanghai",
        "website": "https://jade-river.example",
        "contact_name": "Chen Jing",
        "requested_kinds": [ProductKind.SAVINGS, ProductKind.FUND],
        "description": "A city commercial bank offering fixed-term savings and partner funds.",
        "description_zh_hans": "一家城市商业银行，提供定期存款和合作基金。",
        "domain": "jade-river.example",
    },
    {
        "slug": "evergreen-life",
        "name": "Evergreen Life Insurance Co.",
        "name_zh_hans": "常青人寿保险股份有限公司",
        "type": InstitutionType.INSURER,
        "licence_number": "CBIRC-I-0913",
        "registered_address": "500 Century Avenue, Pudong, Shanghai",
        "website": "https://evergreen-life.example",
        "contact_name": "Zhang Min",
        "requested_kinds": [ProductKind.INSURANCE],
        "description": "Health, accident and term-life cover for young families.",
        "description_zh_hans": "为年轻家庭提供健康、意外和定期寿险保障。",
        "domain": "evergreen-life.example",
    },
]
PENDING = {
    "slug": "pearl-delta-securities",
    "name": "Pearl Delta Securities",
    "name_zh_hans": "珠三角证券",
    "type": InstitutionType.SECURITIES_FIRM,
    "licence_number": "CSRC-SEC-2210",
    "registered_address": "12 Zhujiang New Town, Tianhe, Guangzhou",
    "website": "https://pearl-delta.example",
    "contact_name": "Huang Lei",
    "requested_kinds": [ProductKind.FUND],
    "description": "A brokerage that wants to distribute its asset-management funds.",
    "description_zh_hans": "一家希望代销旗下资管基金的证券公司。",
    "domain": "pearl-delta.example",
}
PLATFORM_ZH = {
    "name_zh_hans": "财富市场资产管理",
    "description_zh_hans": "平台自营的产品，与其他机构的产品同等上架。",
}
CONTRACT_TERMS = {
    ProductKind.FUND: (UpfrontBasis.FRONT_FEE, Decimal("0.40"), Decimal("0.30")),
    ProductKind.INSURANCE: (UpfrontBasis.AMOUNT, Decimal("0.02"), Decimal("0")),
    ProductKind.SAVINGS: (UpfrontBasis.AMOUNT, Decimal("0.001"), Decimal("0")),
}


def _southern_cross(x: int, y: int) -> tuple[int, int, int]:
    """Navy tile, four white stars of the Southern Cross."""
    for cx, cy, r in ((64, 28, 9), (64, 100, 10), (30, 60, 8), (96, 66, 7)):
        if (x - cx) ** 2 + (y - cy) ** 2 <= r * r:
            return (255, 255, 255)
    return (13, 37, 71)


def _jade_river(x: int, y: int) -> tuple[int, int, int]:
    """Jade tile crossed by two white river bands."""
    wave = 14 * math.sin(x / 128 * 2 * math.pi)
    if abs(y - 52 - wave) < 7 or abs(y - 80 - wave) < 7:
        return (255, 255, 255)
    return (15, 118, 110)


DEMO_LOGOS = {"southern-cross-funds": _southern_cross, "jade-river-bank": _jade_river}


def seed_logos(log) -> None:
    """Two demo institutions get a small generated PNG logo; the others keep the lettermark."""
    for slug, pixel in DEMO_LOGOS.items():
        institution = Institution.objects.filter(slug=slug).first()
        if institution is None or institution.logo:
            continue
        admin = Membership.objects.filter(institution=institution, role=Role.ADMIN).first()
        if admin is None:
            continue
        png = ContentFile(branding.png_bytes(128, 128, pixel), name=f"{slug}.png")
        branding.logo_set(institution=institution, actor=admin.user, file=png)
        log(f"  logo: {institution.name}")


def demo_user(email: str, *, staff: bool = False, mfa: bool = False):
    """A verified demo account with the demo password (and the demo TOTP secret if ``mfa``)."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=email).first()
    if user is None:
        user = user_model.objects.create_user(
            email, DEMO_PASSWORD, is_staff=staff, is_superuser=staff
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if mfa and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    return user


def seed_institutions(log) -> list[tuple[str, str]]:
    """Create the demo tenants; returns (login, role) rows for the printed summary."""
    logins: list[tuple[str, str]] = []
    staff = demo_user(STAFF_EMAIL, staff=True, mfa=True)
    logins.append((STAFF_EMAIL, "platform staff (MFA)"))

    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    if not platform.name_zh_hans:
        Institution.objects.filter(pk=platform.pk).update(**PLATFORM_ZH)
        platform.refresh_from_db()
    ops = demo_user("ops@fortune.example", mfa=True)
    Membership.objects.get_or_create(user=ops, institution=platform, defaults={"role": Role.ADMIN})
    logins.append(("ops@fortune.example", f"admin of {platform.name} (MFA)"))

    for spec in [*INSTITUTIONS, PENDING]:
        spec = dict(spec)
        domain = spec.pop("domain")
        # The institution applies in English; its Chinese name and description beside it.
        chinese = {key: spec.pop(key) for key in ("name_zh_hans", "description_zh_hans")}
        slug = spec.pop("slug")
        admin_email = f"admin@{domain}"
        pending = spec is not None and slug == PENDING["slug"]
        applicant = demo_user(admin_email, mfa=not pending)
        institution = Institution.objects.filter(licence_number=spec["licence_number"]).first()
        if institution is None:
            institution = applications.institution_apply(
                applicant=applicant, contact_email=admin_email, **spec
            )
            if institution.slug != slug:
                Institution.objects.filter(pk=institution.pk).update(slug=slug)
                institution.refresh_from_db()
        if not institution.name_zh_hans:
            Institution.objects.filter(pk=institution.pk).update(**chinese)
            institution.refresh_from_db()
            log(f"  applied: {institution.name}")
        if pending:
            logins.append((admin_email, f"applicant of {institution.name} (pending review)"))
            continue
        if institution.status == InstitutionStatus.APPLIED:
            applications.institution_approve(
                institution=institution,
                actor=staff,
                reason="Licence verified with the regulator; demo institution.",
            )
            log(f"  approved: {institution.name}")
        logins.append((admin_email, f"admin of {institution.name} (MFA)"))
        for role in (Role.EDITOR, Role.ANALYST):
            email = f"{role}@{domain}"
            member = demo_user(email)
            Membership.objects.get_or_create(
                user=member, institution=institution, defaults={"role": role}
            )
            logins.append((email, f"{role} of {institution.name}"))

    start = timezone.localdate() - dt.timedelta(days=365)
    for institution in Institution.objects.filter(status=InstitutionStatus.APPROVED):
        for kind in institution.allowed_kinds:
            if CommissionContract.objects.filter(
                institution=institution, product_kind=kind
            ).exists():
                continue
            basis, upfront, trail = CONTRACT_TERMS[kind]
            contracts.commission_contract_create(
                institution=institution,
                product_kind=kind,
                upfront_basis=basis,
                upfront_rate=upfront,
                trail_rate=trail,
                valid_from=start,
                actor=staff,
                note="Standard demo terms.",
            )
    seed_logos(log)
    return logins
