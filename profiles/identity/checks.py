"""System checks for the identity provider (``manage.py check``, and ``--deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .providers import PROVIDERS, sandbox_in_use


@register(Tags.security)
def identity_provider_known(app_configs, **kwargs):
    name = settings.IDENTITY_PROVIDER
    if name and name not in PROVIDERS:
        return [
            Error(
                f"IDENTITY_PROVIDER={name!r} is not a known identity provider.",
                hint=f"Use one of {sorted(PROVIDERS)}, or leave it empty for none.",
                id="identity.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def identity_deploy(app_configs, **kwargs):
    if sandbox_in_use():
        return [
            Warning(
                "The sandbox identity provider is on: it verifies anyone with a well-formed "
                "number, without checking the person.",
                hint="Configure a real IDENTITY_PROVIDER, or keep this deployment a test one.",
                id="identity.W001",
            )
        ]
    return []
