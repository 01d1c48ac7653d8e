"""What the demo lists: the funds, insurance policies and savings deposits of ``seed_demo``
(one spec per listing) and the policies' cover wording."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import (
    FundType,
    ProductStatus,
)

PUBLISHED, IN_REVIEW, DRAFT = ProductStatus.PUBLISHED, ProductStatus.IN_REVIEW, ProductStatus.DRAFT
PLATFORM = "fortune-market"
HISTORY_MONTHS = 24
DEFAULT_RISK = {
    FundType.MONEY_MARKET: 1,
    FundType.BOND: 2,
    FundType.MIXED: 3,
    FundType.INDEX: 4,
    FundType.EQUITY: 4,
}


@dataclass(frozen=True)
class FundSpec:
    institution: str  # slug
    code: str
    name: str
    fund_type: str
    min_purchase: int
    theme: str = ""
    risk_level: int | None = None  # None: the usual level for the fund type
    launch_months: int = HISTORY_MONTHS  # under 24: launched inside the demo history
    status: str = PUBLISHED

    @property
    def risk(self) -> int:
        return self.risk_level or DEFAULT_RISK[self.fund_type]


@dataclass(frozen=True)
class InsuranceSpec:
    institution: str
    name: str
    summary: str
    premium: str
    coverage: str
    term_months: int
    cooling_off_days: int
    cancellation_fee: str
    risk_level: int = 1
    status: str = PUBLISHED

    @property
    def cover(self) -> tuple[int, int, str, str]:
        """Premium-paying years, waiting days, how to claim, exclusions (INSURANCE_COVER)."""
        return INSURANCE_COVER[self.name]


@dataclass(frozen=True)
class SavingsSpec:
    institution: str
    name: str
    term_months: int
    annual_rate: str
    min_purchase: int
    early_withdrawal_rate: str = "0.0020"
    status: str = PUBLISHED
    deposit_insured: bool = True  # a bank's deposit; the platform's own product is not one


SC, JR, EL = "southern-cross-funds", "jade-river-bank", "evergreen-life"
MM, BOND, MIXED = FundType.MONEY_MARKET, FundType.BOND, FundType.MIXED
EQUITY, INDEX = FundType.EQUITY, FundType.INDEX

FUNDS = [
    # Southern Cross Fund Management: the full range.
    FundSpec(SC, "202301", "Southern Cross Cash Plus Money Market", MM, 1),
    FundSpec(SC, "202101", "Southern Cross Steady Bond A", BOND, 10, "government and policy-bank"),
    FundSpec(SC, "202105", "Southern Cross Pure Bond Enhanced", BOND, 10, "high-grade credit"),
    FundSpec(SC, "202108", "Southern Cross Short-term Credit Bond", BOND, 100, "short-term"),
    FundSpec(SC, "202002", "Southern Cross Balanced Growth Mixed", MIXED, 10, "large-cap"),
    FundSpec(SC, "202005", "Southern Cross Flexible Allocation Mixed", MIXED, 100, "all-market"),
    FundSpec(SC, "202007", "Southern Cross Value Select Mixed", MIXED, 10, "value", None, 9),
    FundSpec(SC, "202011", "Southern Cross Consumer Upgrade Equity", EQUITY, 10, "consumer brands"),
    FundSpec(SC, "202015", "Southern Cross New Energy Pioneer Equity", EQUITY, 10, "new-energy", 5),
    FundSpec(SC, "202017", "Southern Cross Health Innovation Equity", EQUITY, 100, "healthcare", 5),
    FundSpec(SC, "202019", "Southern Cross Blue Chip Select Equity", EQUITY, 10, "blue-chip"),
    FundSpec(SC, "160119", "Southern Cross CSI 500 Index Enhanced", INDEX, 10, "CSI 500 Index"),
    FundSpec(SC, "160121", "Southern Cross ChiNext Index", INDEX, 10, "ChiNext Index", None, 4),
    FundSpec(
        SC,
        "202023",
        "Southern Cross Semiconductor Equity",
        EQUITY,
        100,
        "semiconductor",
        5,
        status=DRAFT,
    ),
    # Jade River Commercial Bank: cash management, index and partner funds.
    FundSpec(JR, "519001", "Jade River Daily Treasure Money Market", MM, 1),
    FundSpec(JR, "519300", "Jade River CSI 300 Index", INDEX, 10, "CSI 300 Index"),
    FundSpec(JR, "519050", "Jade River SSE 50 Index", INDEX, 10, "SSE 50 Index"),
    FundSpec(JR, "519110", "Jade River Stable Income Bond", BOND, 1000, "interest-rate"),
    FundSpec(JR, "519112", "Jade River Policy Bank Bond", BOND, 100, "policy-bank"),
    FundSpec(JR, "519210", "Jade River Golden Harvest Mixed", MIXED, 100, "dividend"),
    FundSpec(JR, "519410", "Jade River Dividend Growth Equity", EQUITY, 100, "high-dividend"),
    FundSpec(JR, "519415", "Jade River Tech Frontier Equity", EQUITY, 10, "technology", 5),
    FundSpec(
        JR,
        "519220",
        "Jade River Green Transition Mixed",
        MIXED,
        100,
        "low-carbon",
        status=IN_REVIEW,
    ),
    # The platform's own funds, listed like anyone else's.
    FundSpec(PLATFORM, "009001", "Fortune Market Yield Pocket Money Market", MM, 1),
    FundSpec(PLATFORM, "009101", "Fortune Market Core Bond", BOND, 10, "investment-grade"),
    FundSpec(PLATFORM, "009105", "Fortune Market Ultra-short Bond", BOND, 1, "very short-dated"),
    FundSpec(PLATFORM, "009201", "Fortune Market Multi-asset Balanced Mixed", MIXED, 10, "global"),
    FundSpec(PLATFORM, "009205", "Fortune Market Steady Plus Mixed", MIXED, 1000, "blue-chip"),
    FundSpec(
        PLATFORM, "009301", "Fortune Market CSI Dividend Index", INDEX, 10, "CSI Dividend Index"
    ),
    FundSpec(
        PLATFORM, "009305", "Fortune Market Nasdaq-100 QDII Index", INDEX, 10, "Nasdaq-100 Index"
    ),
    FundSpec(
        PLATFORM, "009308", "Fortune Market STAR 50 Index", INDEX, 10, "STAR 50 Index", None, 4
    ),
    FundSpec(PLATFORM, "009401", "Fortune Market Quality Leaders Equity", EQUITY, 10, "quality"),
    FundSpec(
        PLATFORM, "009405", "Fortune Market Hong Kong Tech Equity", EQUITY, 100, "internet", 5
    ),
]

INSURANCE = [
    InsuranceSpec(
        EL,
        "Evergreen Term Life 20",
        "Twenty years of life cover for the family's main earner, at a fixed premium.",
        "1280.00",
        "500000.00",
        240,
        15,
        "10.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Critical Illness Care",
        "A lump sum on diagnosis of any of 110 covered critical illnesses, cover to age 70.",
        "3650.00",
        "300000.00",
        360,
        20,
        "10.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Million Medical",
        "Hospital bills up to 3 million a year after a 10,000 deductible; renewable yearly.",
        "356.00",
        "3000000.00",
        12,
        15,
        "0.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Travel and Accident Shield",
        "Accidental death, disability and medical cover, at home and abroad, for one year.",
        "99.00",
        "1000000.00",
        12,
        15,
        "0.00",
    ),
    InsuranceSpec(
        EL,
        "Evergreen Child Education Plan",
        "Pays school and university fees if a parent dies or is disabled before the child is 22.",
        "2400.00",
        "200000.00",
        216,
        20,
        "10.00",
        status=IN_REVIEW,
    ),
    InsuranceSpec(
        PLATFORM,
        "Fortune Market Golden Years Annuity",
        "Ten yearly premiums buy a guaranteed monthly income from age 60, for life.",
        "10000.00",
        "150000.00",
        120,
        20,
        "10.00",
        risk_level=2,
    ),
]

SAVINGS = [
    SavingsSpec(JR, "Jade River 3-Month Fixed Deposit", 3, "0.0120", 50),
    SavingsSpec(JR, "Jade River 6-Month Fixed Deposit", 6, "0.0145", 50),
    SavingsSpec(JR, "Jade River 12-Month Fixed Deposit", 12, "0.0175", 1000),
    SavingsSpec(JR, "Jade River 24-Month Fixed Deposit", 24, "0.0215", 1000),
    SavingsSpec(
        PLATFORM, "Fortune Market 36-Month Savings Plus", 36, "0.0260", 1000, deposit_insured=False
    ),
]

EVERGREEN_CLAIMS = (
    "Call Evergreen Life on 95510 or claim in its app within 10 days of the event, then send "
    "the claim form, your ID and the medical or death certificate. Evergreen decides within 30 "
    "days of receiving a complete claim and pays to the bank card on the policy."
)
# Premium-paying years, waiting period (days), how to claim, exclusions: what the policy
# wording says beside the price.
INSURANCE_COVER: dict[str, tuple[int, int, str, str]] = {
    "Evergreen Term Life 20": (
        20,
        90,
        EVERGREEN_CLAIMS,
        "Suicide in the first two years of cover; death while drink-driving, using drugs or "
        "committing a crime; war and nuclear events; an illness not declared on the application.",
    ),
    "Evergreen Critical Illness Care": (
        20,
        90,
        EVERGREEN_CLAIMS,
        "An illness diagnosed, or with symptoms, before cover starts or in the 90-day waiting "
        "period; congenital conditions; self-inflicted injury; drink-driving and drug use.",
    ),
    "Evergreen Million Medical": (
        1,
        30,
        EVERGREEN_CLAIMS,
        "Conditions that existed before cover starts; illness treated in the 30-day waiting "
        "period (accidents are covered from day one); cosmetic and dental treatment, pregnancy "
        "and childbirth; private wards.",
    ),
    "Evergreen Travel and Accident Shield": (
        1,
        0,
        EVERGREEN_CLAIMS,
        "Illness (only accidental injury is covered); diving, climbing, racing and other "
        "high-risk sports; drink-driving; war and terrorism; injury caused on purpose.",
    ),
    "Evergreen Child Education Plan": (
        10,
        90,
        EVERGREEN_CLAIMS,
        "Death or disability of the parent in the 90-day waiting period from illness; suicide "
        "in the first two years; drink-driving and drug use.",
    ),
    "Fortune Market Golden Years Annuity": (
        10,
        0,
        "The income is paid on the first day of each month from age 60 to the bank card on the "
        "policy, with no claim to make. For the death benefit, the family calls Fortune Market "
        "on 95188 with the death certificate; it is paid within 10 days.",
        "Surrendering the policy after the cooling-off period returns its cash value, which "
        "in the first years is less than the premiums paid.",
    ),
}
