"""Production settings, loaded in a child process the way a deployment loads them."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "SECRET_KEY": "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyz" * 2,
    "ALLOWED_HOSTS": "fortune.example",
    "DATABASE_URL": "postgres://check@127.0.0.1:5432/check",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PAYMENTS_SANDBOX_SECRET": "0123456789abcdef" * 4,
    "FIELD_ENCRYPTION_SALTS": "salt-" + "0123456789abcdef" * 2,
    "IDENTITY_HASH_KEY": "hash-" + "0123456789abcdef" * 4,
}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    # The parent's test-only variables (the browser tests' async switch) are not a deployment's.
    dropped = {*PRODUCTION_ENV, "CI", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        env={**base, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def run_production(code: str, **env: str) -> subprocess.CompletedProcess:
    """Python ``code`` run after ``django.setup()`` under production settings."""
    return _run(["-c", f"import django; django.setup(); {code}"], env)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _run(["manage.py", *args], env)


def production(*names: str, **env: str) -> dict:
    """The named settings under production settings with ``env`` added to the environment."""
    code = (
        f"import json; from django.conf import settings; names = {list(names)!r}; "
        "print(json.dumps({n: getattr(settings, n, None) for n in names}, default=str))"
    )
    result = run_production(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_takes_client_addresses_from_one_trusted_proxy_unless_configured():
    default = production("ALLAUTH_TRUSTED_PROXY_COUNT", "REST_FRAMEWORK")
    assert default["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert default["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    two = production("ALLAUTH_TRUSTED_PROXY_COUNT", "REST_FRAMEWORK", TRUSTED_PROXY_COUNT="2")
    assert two["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert two["REST_FRAMEWORK"]["NUM_PROXIES"] == 2
