"""Locust users for the load test at scale (``bench/load.py`` runs them; run by hand, never in CI).

    locust -f bench/locustfile.py --headless -u 16 -r 16 -t 20s --host http://127.0.0.1:PORT \
        LoadUser   # with LOAD_ENDPOINT and LOAD_SESSIONS set, as bench/load.py does

Every simulated client is a closed loop (no think time): it sends its next request as soon as
the last one answered, so requests/s is the server's throughput at that many clients. Each
client signs in as one of the investors in ``LOAD_SESSIONS`` (a JSON file written by
``bench/load.py``: session keys created in the session store, a CSRF secret, the trade PIN, the
funds each may buy) and keeps that session, like a browser tab. ``LOAD_ENDPOINT`` names the one
page it loads:

- ``bare``: ``/bench/bare/`` anonymous (the fastest honest baseline: the full middleware stack,
  no view work); ``bare-in``: the same signed in (session load and user lookup included);
- ``catalogue``: ``/products/`` signed in (not the anonymous page cache);
- ``product``: a fund's page signed in, a different fund each time;
- ``portfolio``: ``/me/portfolio/``; ``inbox``: ``/me/inbox/``;
- ``order``: ``POST /api/v1/orders/`` (a buy, with a fresh ``Idempotency-Key``, the
  ``X-Trade-PIN`` and the CSRF token of the session: exactly what a browser or app sends,
  nothing more); every request places one real pending order, each by the next of the
  signed-in investors in turn.

A response other than the expected status counts as a failure in locust's figures.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from itertools import count

from locust import FastHttpUser, constant, task

ENDPOINT = os.environ.get("LOAD_ENDPOINT", "bare")
SESSIONS_FILE = os.environ.get("LOAD_SESSIONS", "")
ORDER_AMOUNT = os.environ.get("LOAD_ORDER_AMOUNT", "100.00")


def _load_sessions() -> dict:
    if not SESSIONS_FILE:
        return {"investors": [], "products": [], "cookie_name": "sessionid"}
    with open(SESSIONS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


DATA = _load_sessions()
_next_investor = count()
_next_order = count()


class LoadUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        investors = DATA["investors"]
        self.investor = investors[next(_next_investor) % len(investors)] if investors else None
        self.headers: dict[str, str] = {}
        if self.investor and ENDPOINT != "bare":
            cookies = (
                f"{DATA['cookie_name']}={self.investor['session']}; "
                f"{DATA['csrf_cookie_name']}={self.investor['csrf']}"
            )
            self.headers = {"Cookie": cookies}

    def _get(self, path: str, name: str) -> None:
        with self.client.get(
            path, headers=self.headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def load(self) -> None:
        if ENDPOINT in ("bare", "bare-in"):
            self._get("/bench/bare/", ENDPOINT)
        elif ENDPOINT == "catalogue":
            self._get("/products/", ENDPOINT)
        elif ENDPOINT == "product":
            self._get(f"/products/{random.choice(DATA['products'])}/", ENDPOINT)
        elif ENDPOINT == "portfolio":
            self._get("/me/portfolio/", ENDPOINT)
        elif ENDPOINT == "inbox":
            self._get("/me/inbox/", ENDPOINT)
        elif ENDPOINT.startswith("order"):
            self._order()
        else:
            raise SystemExit(f"unknown LOAD_ENDPOINT {ENDPOINT!r}")

    def _order(self) -> None:
        """One buy by the next signed-in investor in turn (each with their own session, CSRF
        token and PIN): many investors each placing an order now and then, as the platform
        sees them, rather than 16 investors each placing several a second (which the
        per-investor limit of ``THROTTLE_ORDERS``, 120 a minute, rightly refuses with 429s
        once placement is fast)."""
        if not DATA["investors"]:
            raise SystemExit("order placement needs LOAD_SESSIONS (bench/load.py writes it)")
        investor = DATA["investors"][next(_next_order) % len(DATA["investors"])]
        body = {
            "product": random.choice(investor["products"]),
            "side": "buy",
            "amount": ORDER_AMOUNT,
        }
        headers = {
            "Cookie": f"{DATA['cookie_name']}={investor['session']}; "
            f"{DATA['csrf_cookie_name']}={investor['csrf']}",
            "Idempotency-Key": uuid.uuid4().hex,
            "X-Trade-PIN": investor["pin"],
            "X-CSRFToken": investor["csrf"],
        }
        with self.client.post(
            "/api/v1/orders/", json=body, headers=headers, name=ENDPOINT, catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
