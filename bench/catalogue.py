"""Catalogue throughput against a bare view, on PostgreSQL and gunicorn (run by hand, not in CI).

    .venv/bin/python bench/catalogue.py [--products 1000] [--duration 10] [--concurrency 8]

Creates the database if it is missing, migrates it, loads the demo data plus synthetic funds
(two years of NAV each) until ``--products`` are published, serves the site with production
settings (``bench/settings_bench.py``) on gunicorn, then measures requests per second of the
catalogue list, one product page and ``/bench/bare/`` (the same middleware with no view work)
in one run, each anonymous and signed in as an assessed investor (``-in``: the anonymous page
cache does not apply; the pages' shared parts come from the fragment cache, warmed first), and
the portfolio and the investor's home signed in as a demo investor with holdings. It
prints the ratios next to their targets against the anonymous bare view (the fastest honest
baseline) and, for signed-in pages, against the signed-in bare view too; it never fails on a
timing.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench"
TARGETS = {
    "list": 0.6,
    "product": 0.5,
    "list-in": 0.3,
    "product-in": 0.3,
    "portfolio-in": 0.25,
}
INVESTOR_EMAIL = "bench-investor@example.com"
# The portfolio and the investor's home are measured as a demo investor who holds funds.
HOLDER_EMAIL = "investor2@fortune.example"
PRODUCT_CODE = "202101"  # Southern Cross Steady Bond A: fees, NAV chart, articles


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--products", type=int, default=1000, help="published products to reach")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="seconds before each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--concurrency", type=int, default=8, help="client connections in all")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--list-path", default="/products/")
    parser.add_argument("--product-path", default="", help="default: a bond fund's page")
    parser.add_argument("--bare-path", default="/bench/bare/")
    parser.add_argument(
        "--extra", action="append", default=[], metavar="PATH", help="also measure PATH"
    )
    parser.add_argument("--skip-fill", action="store_true", help="use the database as it is")
    args = parser.parse_args()
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return args


# --- database ---------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    """CREATE DATABASE if it does not exist (connecting to the server's ``postgres`` DB)."""
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        dbname="postgres",
        user=urllib.parse.unquote(parts.username or "") or None,
        password=urllib.parse.unquote(parts.password or "") or None,
        host=parts.hostname,
        port=parts.port,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    finally:
        conn.close()


def fill(target: int) -> None:
    """Demo data (``seed_demo``) plus synthetic funds until ``target`` products are published.

    The synthetic funds are bulk-created from the demo generators (names, terms, fee tiers, NAV
    walk); the NAV rows go in with COPY and the catalogue figures are computed by the same
    service as an upload's (``product_stats_refresh``)."""
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from institutions.models import Institution, InstitutionStatus, ProductKind
    from products import demo, services
    from products.models import FeeTier, FundTerms, FundType, NavPrice, Product, ProductStatus

    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the console e-mails of the demo seed
        call_command("seed_demo")
    published = Product.objects.filter(status=ProductStatus.PUBLISHED)
    missing = target - published.count()
    if missing <= 0:
        print(f"catalogue: {published.count()} published products already")
        return
    institutions = [
        i
        for i in Institution.objects.filter(status=InstitutionStatus.APPROVED).order_by("pk")
        if ProductKind.FUND in i.allowed_kinds
    ]
    by_slug = {i.slug: i for i in institutions}
    taken = set(Product.objects.filter(code__startswith="9").values_list("code", flat=True))
    specs = [
        s
        for s in demo.synthetic_fund_specs(target, institutions=institutions)
        if s.code not in taken
    ][:missing]
    end = demo.last_trading_day(timezone.localdate())
    now = timezone.now()
    with transaction.atomic():
        products = []
        for spec in specs:
            tiers = demo.fund_fee_tiers(code=spec.code, fund_type=spec.fund_type)
            subscription = tiers.get("subscription") or []
            products.append(
                Product(
                    institution=by_slug[spec.institution],
                    kind=ProductKind.FUND,
                    fund_type=spec.fund_type,
                    name=spec.name,
                    slug=f"{slugify(spec.name)[:70]}-{spec.code}",
                    code=spec.code,
                    risk_level=spec.risk,
                    summary=demo.fund_summary(spec),
                    description=demo.fund_description(spec),
                    min_purchase=Decimal(spec.min_purchase),
                    status=ProductStatus.PUBLISHED,
                    published_at=now,
                    headline_fee_rate=subscription[0].rate if subscription else Decimal(0),
                    latest_nav=Decimal("1.0000")
                    if spec.fund_type == FundType.MONEY_MARKET
                    else None,
                )
            )
        Product.objects.bulk_create(products, batch_size=500)
        FundTerms.objects.bulk_create(
            FundTerms(product=p, **demo.fund_terms(code=p.code, fund_type=p.fund_type))
            for p in products
        )
        FeeTier.objects.bulk_create(
            (
                FeeTier(
                    product=p,
                    schedule=schedule,
                    lower=t.lower,
                    upper=t.upper,
                    rate=t.rate,
                    fixed_fee=t.fixed_fee,
                )
                for p in products
                for schedule, rows in demo.fund_fee_tiers(
                    code=p.code, fund_type=p.fund_type
                ).items()
                for t in rows
            ),
            batch_size=2000,
        )
        rows = 0
        table = NavPrice._meta.db_table
        priced = [(p, s) for p, s in zip(products, specs, strict=True) if not p.is_money_market]
        for start in range(0, len(priced), 100):
            buffer = io.StringIO()
            for product, spec in priced[start : start + 100]:
                days = demo.trading_days(demo.months_before(end, spec.launch_months), end)
                for day, nav in demo.nav_walk(
                    code=spec.code, fund_type=spec.fund_type, risk_level=spec.risk, days=days
                ):
                    buffer.write(f"{product.pk},{day.isoformat()},{nav}\n")
                    rows += 1
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {table} (product_id, date, nav) FROM STDIN WITH (FORMAT csv)", buffer
                )
        for product, _spec in priced:
            services.product_stats_refresh(product=product)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {Product._meta.db_table}")
    print(
        f"catalogue: added {len(products)} funds and {rows} NAV rows in "
        f"{time.perf_counter() - started:.0f} s; {published.count()} published products"
    )


def holder_cookie() -> str:
    """A session cookie of the demo investor with holdings (the bench investor without one)."""
    from profiles.models import User

    user = User.objects.filter(email=HOLDER_EMAIL).first()
    return session_cookie(user) if user is not None else investor_cookie()


def session_cookie(user) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def investor_cookie() -> str:
    """A session cookie of an investor at C3 with a valid assessment (made on first use)."""
    import datetime as dt

    from profiles.models import InvestorProfile, User

    user = User.objects.filter(email=INVESTOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=INVESTOR_EMAIL, password=None)
    InvestorProfile.objects.update_or_create(
        user=user, defaults={"risk_level": 3, "assessment_valid_until": dt.date(2099, 1, 1)}
    )
    return session_cookie(user)


def default_product_path() -> str:
    from products.models import Product, ProductStatus

    published = Product.objects.filter(status=ProductStatus.PUBLISHED)
    product = published.filter(code=PRODUCT_CODE).first() or (
        published.filter(latest_nav_date__isnull=False).order_by("pk").first()
    )
    if product is None:
        raise SystemExit("no published product to measure: run without --skip-fill")
    return f"/products/{product.slug}/"


# --- server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "marketplace.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _ = fetch(port, "/bench/bare/")
            if status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load ---------------------------------------------------------------------------------------


def _client_thread(port, path, cookie, deadline, out):
    """One keep-alive connection (http.client reconnects when the server closes it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done, errors, statuses, latencies = 0, 0, Counter(), []
    headers = {"Connection": "keep-alive", **({"Cookie": cookie} if cookie else {})}
    while (start := time.perf_counter()) < deadline:
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            done += 1
            latencies.append(time.perf_counter() - start)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
    conn.close()
    out.append((done, errors, statuses, latencies))


def _client_process(port, path, cookie, seconds, threads):
    deadline = time.perf_counter() + seconds
    out: list = []
    pool = [
        threading.Thread(target=_client_thread, args=(port, path, cookie, deadline, out))
        for _ in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    done = sum(o[0] for o in out)
    errors = sum(o[1] for o in out)
    statuses = sum((o[2] for o in out), Counter())
    latencies = [x for o in out for x in o[3]]
    return done, errors, dict(statuses), latencies


def load(
    port: int, path: str, *, seconds: float, concurrency: int, clients: int, cookie: str = ""
) -> dict:
    """Requests per second of ``path`` with ``concurrency`` connections for ``seconds``."""
    clients = max(1, min(clients, concurrency))
    threads = [concurrency // clients + (n < concurrency % clients) for n in range(clients)]
    context = multiprocessing.get_context("fork")
    with context.Pool(clients) as pool:
        started = time.perf_counter()
        parts = pool.starmap(_client_process, [(port, path, cookie, seconds, t) for t in threads])
        elapsed = max(time.perf_counter() - started, seconds)
    done = sum(p[0] for p in parts)
    statuses = sum((Counter(p[2]) for p in parts), Counter())
    latencies = sorted(x for p in parts for x in p[3])

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "rps": done / elapsed,
        "errors": sum(p[1] for p in parts),
        "statuses": dict(statuses),
        "p50": pct(0.5) if latencies else 0.0,
        "p95": pct(0.95) if latencies else 0.0,
    }


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "false",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    ensure_database(args.database_url)

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not args.skip_fill:
        fill(args.products)
    paths = {
        "bare": args.bare_path,
        "list": args.list_path,
        "product": args.product_path or default_product_path(),
    }
    paths.update({path: path for path in args.extra})
    cookie = investor_cookie()
    # The same pages signed in: (path, cookie) by name.
    pages = {name: (path, "") for name, path in paths.items()}
    for name in ("bare", "list", "product"):
        pages[f"{name}-in"] = (paths[name], cookie)
    holder = holder_cookie()
    pages["portfolio-in"] = ("/me/portfolio/", holder)
    pages["home-in"] = ("/me/", holder)
    connections.close_all()  # the client processes fork from here

    port = args.port or free_port()
    server = start_gunicorn(port, args.workers, env)
    try:
        wait_ready(port)
        for name, (path, cookie) in pages.items():
            status, body = fetch(port, path, cookie)
            note = "" if status == 200 else "  <- not 200: the ratio below means little"
            print(f"{name:>10} {path}  HTTP {status}, {len(body):,} bytes{note}")
        results: dict[str, list[dict]] = {name: [] for name in pages}
        for n in range(args.rounds):
            for name, (path, cookie) in pages.items():
                load(
                    port,
                    path,
                    seconds=args.warmup,
                    concurrency=args.concurrency,
                    clients=1,
                    cookie=cookie,
                )
                result = load(
                    port,
                    path,
                    seconds=args.duration,
                    concurrency=args.concurrency,
                    clients=args.clients,
                    cookie=cookie,
                )
                results[name].append(result)
                odd = {s: c for s, c in result["statuses"].items() if s != 200}
                print(
                    f"round {n + 1} {name:>10}: {result['rps']:8.1f} req/s  "
                    f"p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f} ms"
                    + (f"  errors {result['errors']}" if result["errors"] else "")
                    + (f"  non-200 {odd}" if odd else "")
                )
    finally:
        server.terminate()
        server.wait(timeout=30)

    rps = {name: statistics.median(r["rps"] for r in runs) for name, runs in results.items()}
    print(
        f"\n{args.products} products target, {args.workers} gunicorn workers, "
        f"{args.concurrency} connections, {args.duration:g} s x {args.rounds} round(s), "
        f"{os.cpu_count()} CPUs shared by server and client"
    )
    for name, (path, _cookie) in pages.items():
        print(f"  {name:>10} {path:<60} {rps[name]:8.1f} req/s")
    for name, target in TARGETS.items():
        ratio = rps[name] / rps["bare"] if rps["bare"] else 0.0
        verdict = "meets" if ratio >= target else "BELOW"
        line = f"  {name}/bare = {ratio:.2f}  (target >= {target}: {verdict})"
        if name.endswith("-in") and rps["bare-in"]:
            line += f"; {name}/bare-in = {rps[name] / rps['bare-in']:.2f}"
        print(line)


if __name__ == "__main__":
    main()
