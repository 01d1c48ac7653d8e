"""Order placement in-process against the signed-in bare view (run by hand, never in CI).

    DATABASE_URL=postgres://…/fortune_bench_load REDIS_URL=redis://127.0.0.1:6379/N \
        .venv/bin/python bench/placement.py [cpu|sql|profile] [--rounds 4] [--requests 300]

Uses the database and the signed-in sessions ``bench/load.py`` leaves (``var/load/
sessions.json``: run it once first) with its production settings (``bench.settings_bench``),
through Django's test client (the whole middleware stack, CSRF enforced, the same headers as
``bench/locustfile.py``'s order task), each request as the next signed-in investor in turn.

- ``cpu`` (default): CPU time per request of this process (Python) and of its PostgreSQL
  backend (``/proc/<pid>/stat``; the server must be on this machine), for ``POST
  /api/v1/orders/`` and ``/bench/bare/`` signed in, alternately for ``--rounds`` rounds, with
  the wall time. CPU time is what the load test's throughput on a shared machine follows, and
  it swings much less than wall time when other processes load the machine.
- ``sql``: the statements of one placement with their mean time.
- ``profile``: cProfile (CPU time) of ``--requests`` placements, by cumulative time.

Every placement is a real pending order (100.00) debited from the investor's cash.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings_bench")
os.environ["DEBUG"] = "false"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

SESSIONS = ROOT / "var" / "load" / "sessions.json"


class Requests:
    def __init__(self) -> None:
        self.data = json.loads(SESSIONS.read_text(encoding="utf-8"))
        self.investors = self.data["investors"]
        self.client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
        self.n = 0

    def _as_next(self) -> dict:
        investor = self.investors[self.n % len(self.investors)]
        self.n += 1
        self.client.cookies.clear()
        self.client.cookies[self.data["cookie_name"]] = investor["session"]
        self.client.cookies[self.data["csrf_cookie_name"]] = investor["csrf"]
        return investor

    def bare(self) -> None:
        self._as_next()
        response = self.client.get("/bench/bare/")
        assert response.status_code == 200, response.status_code

    def order(self) -> None:
        investor = self._as_next()
        response = self.client.post(
            "/api/v1/orders/",
            {"product": random.choice(investor["products"]), "side": "buy", "amount": "100.00"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            HTTP_X_TRADE_PIN=investor["pin"],
            HTTP_X_CSRFTOKEN=investor["csrf"],
        )
        assert response.status_code == 201, (response.status_code, response.content[:300])


def backend_cpu() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu(requests: Requests, rounds: int, count: int) -> None:
    figures: dict[str, list[tuple[float, float, float]]] = {"order": [], "bare-in": []}
    for _ in range(rounds):
        for name, send in (("order", requests.order), ("bare-in", requests.bare)):
            wall, mine, backend = time.perf_counter(), time.process_time(), backend_cpu()
            for _ in range(count):
                send()
            figures[name].append(
                (
                    (time.perf_counter() - wall) / count * 1000,
                    (time.process_time() - mine) / count * 1000,
                    (backend_cpu() - backend) / count * 1000,
                )
            )
    medians = {
        n: [statistics.median(r[i] for r in rs) for i in range(3)] for n, rs in figures.items()
    }
    for name, (wall, mine, backend) in medians.items():
        print(
            f"{name:<8} wall {wall:6.2f} ms  CPU: Python {mine:6.2f} ms, PostgreSQL {backend:5.2f} "
            f"ms, both {mine + backend:6.2f} ms a request"
        )
    order, bare = medians["order"], medians["bare-in"]
    print(
        f"bare-in / order: Python CPU {bare[1] / order[1]:.3f}, Python + PostgreSQL CPU "
        f"{(bare[1] + bare[2]) / (order[1] + order[2]):.3f}, wall {bare[0] / order[0]:.3f} "
        f"(medians of {rounds} rounds x {count}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )


def sql(requests: Requests, count: int) -> None:
    seen: list[tuple[float, str]] = []

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            seen.append(((time.perf_counter() - started) * 1000, statement))

    totals: dict[int, list] = {}
    for _ in range(count):
        seen.clear()
        with connection.execute_wrapper(timed):
            requests.order()
        for index, (ms, statement) in enumerate(seen):
            totals.setdefault(index, [0.0, statement])[0] += ms / count
    for index, (ms, statement) in totals.items():
        print(f"{index:2d} {ms:6.2f} ms  {statement[:150]}")
    print(f"{len(totals)} statements (COMMIT not counted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", nargs="?", default="cpu", choices=["cpu", "sql", "profile"])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    requests = Requests()
    for _ in range(40):  # warm: connections, per-process caches, the first request's imports
        requests.bare()
        requests.order()
    if args.mode == "cpu":
        cpu(requests, args.rounds, args.requests)
    elif args.mode == "sql":
        sql(requests, min(args.requests, 50))
    else:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            requests.order()
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
