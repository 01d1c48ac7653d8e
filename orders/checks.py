"""System checks for the payment gateway (``manage.py check``, and ``--deploy`` for production)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .cash.gateway import GATEWAYS, sandbox_in_use

MIN_SANDBOX_SECRET = 32


@register(Tags.security)
def payments_gateway_known(app_configs, **kwargs):
    name = settings.PAYMENTS_GATEWAY
    if name and name not in GATEWAYS:
        return [
            Error(
                f"PAYMENTS_GATEWAY={name!r} is not a known gateway.",
                hint=f"Use one of {sorted(GATEWAYS)}, or leave it empty for none.",
                id="payments.E002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def payments_deploy(app_configs, **kwargs):
    problems = []
    if len(settings.PAYMENTS_SANDBOX_SECRET or "") < MIN_SANDBOX_SECRET:
        problems.append(
            Error(
                f"PAYMENTS_SANDBOX_SECRET is shorter than {MIN_SANDBOX_SECRET} characters.",
                hint="Generate one, e.g. `openssl rand -hex 32`.",
                id="payments.E001",
            )
        )
    if sandbox_in_use():
        problems.append(
            Warning(
                "The sandbox payment gateway is on: its test cards add cash that no bank paid.",
                hint="Configure a real PAYMENTS_GATEWAY, or keep this deployment a test one.",
                id="payments.W001",
            )
        )
    return problems
