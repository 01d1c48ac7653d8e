"""Fund fee schedules: validation, the one text format people type them in, and the one fee
calculator (DESIGN §4, front-end net-amount method). Pure functions, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, gettext_noop

from marketplace.money import decimal_places, round_amount

MAX_RATE = Decimal("0.05")
SHORT_HOLD_DAYS = Decimal(7)
SHORT_HOLD_MIN_RATE = Decimal("0.015")

TIERS_REQUIRED = gettext_noop("Give at least one band.")
FIRST_FROM_ZERO = gettext_noop("The first band must start at 0.")
NOT_CONTIGUOUS = (
    "Band {n} starts at {lower} but the band before ends at {previous}: bands must meet."
)
OPEN_NOT_LAST = gettext_noop("Only the last band may be open-ended (no upper limit).")
LAST_NOT_OPEN = gettext_noop("The last band must be open-ended (leave its upper limit empty).")
UPPER_NOT_ABOVE = gettext_noop("Band {n}: the upper limit must be above the lower one.")
RATE_RANGE = gettext_noop("Band {n}: the rate must be between 0% and 5%.")
RATE_DP = gettext_noop("Band {n}: give the rate with at most 4 decimal places as a percentage.")
FIXED_ONLY_SUBSCRIPTION = gettext_noop("Band {n}: a fixed fee applies only to subscriptions.")
FIXED_NEGATIVE = gettext_noop("Band {n}: the fixed fee cannot be negative.")
SHORT_HOLD = gettext_noop(
    "Redemption within 7 days must cost at least 1.5% (band {n} charges {rate})."
)
DAYS_WHOLE = gettext_noop("Band {n}: days held are whole numbers.")
MONEY_MARKET_NO_FEES = gettext_noop("Money-market funds charge no subscription or redemption fees.")
LINE_FORMAT = (
    'Line {n}: write "lower - upper : rate%" or "lower - : fixed 1000" '
    '(e.g. "0 - 500000 : 1.5%"), got "{line}".'
)


def canonical_decimal(value: Decimal) -> str:
    """``Decimal("0.001000")`` and ``Decimal("0.001")`` → ``"0.001"``; ``100.00`` → ``"100"``."""
    return f"{Decimal(value).normalize():f}"


@dataclass(frozen=True)
class Tier:
    lower: Decimal
    upper: Decimal | None
    rate: Decimal = Decimal(0)
    fixed_fee: Decimal | None = None

    def __post_init__(self):
        # Whatever a caller passes (an int 0, a float from JSON), a band holds Decimals only.
        for name in ("lower", "upper", "rate", "fixed_fee"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Decimal):
                object.__setattr__(self, name, Decimal(str(value)))
        if self.rate is None:
            object.__setattr__(self, "rate", Decimal(0))

    def as_dict(self) -> dict:
        def text(value):
            return None if value is None else canonical_decimal(value)

        return {
            "lower": text(self.lower),
            "upper": text(self.upper),
            "rate": text(self.rate),
            "fixed_fee": text(self.fixed_fee),
        }

    @classmethod
    def of(cls, band) -> Tier:
        """From anything with ``lower``, ``upper``, ``rate`` and ``fixed_fee`` (a ``FeeTier``)."""
        return cls(band.lower, band.upper, band.rate, band.fixed_fee)

    @classmethod
    def from_dict(cls, data: dict) -> Tier:
        def dec(value):
            return None if value in (None, "") else Decimal(str(value))

        return cls(
            lower=dec(data["lower"]),
            upper=dec(data.get("upper")),
            rate=dec(data.get("rate")) or Decimal(0),
            fixed_fee=dec(data.get("fixed_fee")),
        )


_LINE = re.compile(
    r"^\s*(?P<lower>[\d,]+(?:\.\d+)?)\s*(?:-|–|to)\s*(?P<upper>[\d,]+(?:\.\d+)?)?\s*[:=]\s*"
    r"(?:(?P<rate>\d+(?:\.\d+)?)\s*%|fixed\s+(?P<fixed>[\d,]+(?:\.\d+)?))\s*$",
    re.IGNORECASE,
)


def parse_tiers(text: str) -> list[Tier]:
    """``"0 - 500000 : 1.5%"`` lines → tiers (shape only; :func:`validate_tiers` judges them).

    Raises ``ValueError`` with a message naming the line it could not read.
    """
    tiers = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if not match:
            raise ValueError(LINE_FORMAT.format(n=n, line=line.strip()[:60]))
        try:
            lower = Decimal(match["lower"].replace(",", ""))
            upper = Decimal(match["upper"].replace(",", "")) if match["upper"] else None
            if match["fixed"]:
                tiers.append(
                    Tier(lower, upper, Decimal(0), Decimal(match["fixed"].replace(",", "")))
                )
            else:
                tiers.append(Tier(lower, upper, Decimal(match["rate"]) / 100))
        except InvalidOperation as exc:
            raise ValueError(LINE_FORMAT.format(n=n, line=line.strip()[:60])) from exc
    return tiers


def format_tiers(tiers: list[Tier]) -> str:
    """The inverse of :func:`parse_tiers` (prefills the portal form)."""
    lines = []
    for tier in tiers:
        upper = "" if tier.upper is None else f"{tier.upper.normalize():f}"
        price = (
            f"fixed {tier.fixed_fee.normalize():f}"
            if tier.fixed_fee is not None
            else f"{(tier.rate * 100).normalize():f}%"
        )
        lines.append(f"{tier.lower.normalize():f} - {upper} : {price}".replace(" -  :", " - :"))
    return "\n".join(lines)


def validate_tiers(tiers: list[Tier], *, schedule: str, money_market: bool = False) -> list[str]:
    """Every problem with a schedule (empty list when it is sound)."""
    if money_market:
        charged = [t for t in tiers if t.rate or t.fixed_fee]
        return [gettext(MONEY_MARKET_NO_FEES)] if charged else []
    if not tiers:
        return [gettext(TIERS_REQUIRED)]
    errors: list[str] = []
    tiers = sorted(tiers, key=lambda t: t.lower)
    if tiers[0].lower != 0:
        errors.append(gettext(FIRST_FROM_ZERO))
    for n, tier in enumerate(tiers, start=1):
        if tier.upper is not None and tier.upper <= tier.lower:
            errors.append(gettext(UPPER_NOT_ABOVE).format(n=n))
        if not (0 <= tier.rate <= MAX_RATE):
            errors.append(gettext(RATE_RANGE).format(n=n))
        elif decimal_places(tier.rate) > 6:
            errors.append(gettext(RATE_DP).format(n=n))
        if tier.fixed_fee is not None:
            if schedule != "subscription":
                errors.append(gettext(FIXED_ONLY_SUBSCRIPTION).format(n=n))
            elif tier.fixed_fee < 0:
                errors.append(gettext(FIXED_NEGATIVE).format(n=n))
        if schedule == "redemption":
            if tier.lower != tier.lower.to_integral_value() or (
                tier.upper is not None and tier.upper != tier.upper.to_integral_value()
            ):
                errors.append(gettext(DAYS_WHOLE).format(n=n))
            if tier.lower < SHORT_HOLD_DAYS and tier.rate < SHORT_HOLD_MIN_RATE:
                errors.append(
                    gettext(SHORT_HOLD).format(n=n, rate=f"{(tier.rate * 100).normalize():f}%")
                )
        if n > 1:
            previous = tiers[n - 2].upper
            if previous is None:
                errors.append(gettext(OPEN_NOT_LAST))
            elif previous != tier.lower:
                errors.append(NOT_CONTIGUOUS.format(n=n, lower=tier.lower, previous=previous))
    if tiers[-1].upper is not None:
        errors.append(gettext(LAST_NOT_OPEN))
    return list(dict.fromkeys(errors))


def tier_for(tiers: list[Tier], value: Decimal) -> Tier:
    """The band ``lower <= value < upper``."""
    for tier in tiers:
        if tier.lower <= value and (tier.upper is None or value < tier.upper):
            return tier
    raise ValueError(f"No band covers {value}")


@dataclass(frozen=True)
class SubscriptionFee:
    rate: Decimal | None  # None when a fixed fee applies
    fee: Decimal
    net: Decimal


def subscription_band(*, tiers: list[Tier], amount: Decimal) -> Tier:
    """The band of a subscription schedule that a purchase of ``amount`` pays: what the
    checkout shows and what the order keeps from its placement on."""
    return tier_for(sorted(tiers, key=lambda t: t.lower), amount)


def subscription_fee(
    *, tiers: list[Tier], amount: Decimal, discount: Decimal = Decimal(0)
) -> SubscriptionFee:
    """Front-end fee by the net-amount method: ``net = A / (1 + r)``, ``fee = A − net``;
    a fixed fee ``F``: ``net = A − F``. ``discount`` is a fraction off the rate (0.8 = 80% off).
    """
    return band_fee(
        tier=subscription_band(tiers=tiers, amount=amount), amount=amount, discount=discount
    )


def band_fee(*, tier: Tier, amount: Decimal, discount: Decimal = Decimal(0)) -> SubscriptionFee:
    """The fee of one band (a rate or a fixed fee) on ``amount``, as :func:`subscription_fee`."""
    if tier.fixed_fee is not None:
        fee = min(round_amount(tier.fixed_fee * (1 - discount)), amount)
        return SubscriptionFee(rate=None, fee=fee, net=amount - fee)
    rate = tier.rate * (1 - discount)
    net = round_amount(amount / (1 + rate))
    return SubscriptionFee(rate=rate, fee=amount - net, net=net)


def redemption_rate(*, tiers: list[Tier], days_held: int) -> Decimal:
    return tier_for(sorted(tiers, key=lambda t: t.lower), Decimal(days_held)).rate
