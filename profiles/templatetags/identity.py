"""``{% load identity %}``: the call to verify an identity where money would move, and the
elderly-investor warning (display only; the rules live in profiles.identity)."""

from __future__ import annotations

from django import template

from profiles.identity import providers, selectors
from profiles.identity.ages import ELDERLY_WARNING

register = template.Library()


@register.filter
def reason_text(stored: str) -> str:
    """``{{ identity.failure_reason|reason_text }}``: a stored reason in the page's language."""
    return providers.reason_text(stored or "")


@register.simple_tag(takes_context=True)
def identity_verified(context) -> bool:
    """``{% identity_verified as ok %}``: whether the signed-in user may top up and buy."""
    return selectors.verified_identity(user=context["request"].user) is not None


@register.simple_tag(takes_context=True)
def my_identity(context):
    """``{% my_identity as identity %}``: the signed-in user's identity (any status) or None."""
    return selectors.identity_of(user=context["request"].user)


@register.inclusion_tag("profiles/identity/_verify_cta.html", takes_context=True)
def identity_gate(context, action: str = "invest"):
    """ "Verify your identity to invest" with a link, for a user without a verified identity
    (nothing for one with it). Shows where a submitted identity stands."""
    user = context["request"].user
    identity = selectors.identity_of(user=user)
    return {
        "show": identity is None or not identity.is_verified,
        "identity": identity,
        "action": action,
    }


@register.inclusion_tag("profiles/identity/_elderly_warning.html", takes_context=True)
def elderly_warning(context):
    """The elderly-investor warning, every time, for investors aged 65 and over."""
    return {
        "show": selectors.is_elderly(user=context["request"].user),
        "warning": ELDERLY_WARNING,
    }
