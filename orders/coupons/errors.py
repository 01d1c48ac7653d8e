"""Why a coupon cannot be created, claimed or used: one message and one code each (the API
returns the code beside the message; tests assert the code)."""

from django.utils.translation import gettext_lazy as _

# At checkout (field ``coupon``)
UNKNOWN = ("coupon_unknown", _("There is no coupon with this code."))
NOT_FOR_SELLS = ("coupon_not_for_sells", _("Coupons apply to purchases only, never to a sale."))
INSURANCE = (
    "coupon_insurance",
    _("Coupons never apply to insurance: premium rebates are unlawful in this market."),
)
SAVINGS = ("coupon_savings", _("Coupons never apply to savings: deposit rates are not discounted."))
PAUSED = ("coupon_paused", _("This coupon is paused by its issuer for now."))
ENDED = ("coupon_ended", _("This coupon has ended."))
NOT_YET = ("coupon_not_yet_valid", _("This coupon is valid from %(date)s."))
EXPIRED = ("coupon_expired", _("This coupon expired on %(date)s."))
WRONG_INSTITUTION = (
    "coupon_wrong_institution",
    _("This coupon is for %(institution)s's funds only."),
)
WRONG_PRODUCT = ("coupon_wrong_product", _("This coupon does not apply to this fund."))
BELOW_MINIMUM = (
    "coupon_below_minimum",
    _("This coupon needs a purchase of at least %(minimum)s."),
)
NO_FEE = (
    "coupon_no_fee",
    _("This purchase pays no subscription fee, so there is nothing to discount."),
)
EXHAUSTED = ("coupon_exhausted", _("This coupon has been used up."))
LIMIT_REACHED = ("coupon_limit_reached", _("You have used this coupon as often as it allows."))
# Claiming a code into the wallet (field ``code``)
ALREADY_CLAIMED = ("coupon_already_claimed", _("This coupon is already in your wallet."))
# Creating and editing (portal, staff)
PERCENT_RANGE = ("percent_range", _("Enter a percentage above 0 and at most 100."))
SHARE_RANGE = ("share_range", _("Enter a share of the list fee from 0 up to (not including) 100."))
KIND_FIELD_REQUIRED = ("required", _("This kind of coupon needs this field."))
CODE_SHAPE = (
    "code_shape",
    _("A code has 3 to 32 letters, digits, - or _ (no spaces)."),
)
CODE_TAKEN = ("code_taken", _("This code is taken (codes are unique, whatever the case)."))
UNKNOWN_PRODUCT = ("unknown_product", _("No product with the slug %(slug)s."))
NOT_OWN_PRODUCT = ("not_own_product", _("%(slug)s is not one of your products."))
PRODUCT_INSURANCE = (
    "insurance_not_discountable",
    _("%(slug)s is insurance: premium rebates are unlawful in this market."),
)
PRODUCT_SAVINGS = (
    "savings_not_discountable",
    _("%(slug)s is a savings product: deposit rates are not discounted."),
)
PRODUCTS_REQUIRED = ("required", _("Name at least one of your funds."))
WINDOW = ("window", _("The end date cannot be before the start date."))
UNTIL_PAST = ("in_past", _("The end date has passed already."))
IN_USE = (
    "coupon_in_use",
    _("This coupon has been redeemed: it can be paused or ended, not edited."),
)
ILLEGAL_MOVE = ("illegal_move", _("A coupon that is %(from_status)s cannot become %(to_status)s."))
NOT_CUSTOMERS = (
    "not_customers",
    _("Not your customers (or no such investor): %(emails)s."),
)
TOO_MANY_EMAILS = ("too_many", _("At most %(n)s e-mail addresses at a time."))
