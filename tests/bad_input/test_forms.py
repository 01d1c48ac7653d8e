"""The web forms walk: every POST form on every signed-in page. The walk reads the page's HTML,
keeps what the page itself fills in (the others valid where the page can say), and replaces one
field at a time."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import get_resolver

from tests.factories import StaffFactory
from tests.test_tenant_isolation import route_with, walk

from .corpus import DATES, NEVER_SAVED, TEXTS, WEB_AMOUNTS
from .world import _counts, _tables, _upload, _world

pytestmark = pytest.mark.django_db

SIGNED_IN_PREFIXES = ("me/", "portal/", "staff/", "institutions/apply/")
# Forms that are not input (language, sign-out) or end the account the walk signs in with.
NOT_INPUT_ACTIONS = ("/i18n/", "/accounts/", "/me/profile/delete/", "/me/security/sessions/")
# Routes with parameters whose pages carry a form, and the world's object each names.
PAGES_WITH_KWARGS = {
    "products/<slug:slug>/buy/": lambda w: {"slug": w["fund"].slug},
    "products/<slug:slug>/plan/": lambda w: {"slug": w["fund"].slug},
    "me/portfolio/<slug:slug>/sell/": lambda w: {"slug": w["fund"].slug},
    "me/portfolio/<slug:slug>/switch/": lambda w: {"slug": w["fund"].slug},
    "me/requests/<int:pk>/": lambda w: {"pk": w["request"].pk},
    "me/plans/<int:pk>/change/": lambda w: {"pk": w["plan"].pk},
    # The portal's uploads (NAV and yield CSV, a report's CSV, a product's documents) and
    # the listing's own form, on the institution's fund and draft.
    "portal/products/<slug:slug>/": lambda w: {"slug": w["fund"].slug},
    "portal/products/<slug:slug>/edit/": lambda w: {"slug": w["draft"].slug},
    "portal/products/<slug:slug>/nav/": lambda w: {"slug": w["fund"].slug},
    "portal/products/<slug:slug>/yield/": lambda w: {"slug": w["fund"].slug},
    "portal/products/<slug:slug>/report/": lambda w: {"slug": w["fund"].slug},
    "staff/products/<slug:slug>/nav/": lambda w: {"slug": w["fund"].slug},
}


def _page_routes() -> list[str]:
    routes = [
        route
        for route, pattern in walk(get_resolver().url_patterns)
        if route.startswith(SIGNED_IN_PREFIXES) and not pattern.pattern.regex.groupindex
    ]
    return routes + list(PAGES_WITH_KWARGS)


PAGE_ROUTES = _page_routes()


class _Forms(HTMLParser):
    """The page's POST forms: action, and each named field's tag, type and value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "multipart": False}
            self._form["multipart"] = "multipart" in (a.get("enctype") or "")
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._form is not None and self._select:
                field = self._form["fields"][self._select]
                if field["value"] is None or "selected" in a:
                    field["value"] = a.get("value", "")
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or name not in self._form["fields"]:
                    self._form["fields"][name] = {
                        "tag": kind,
                        "type": kind,
                        "value": a.get("value", "on"),
                    }
                return
            self._form["fields"][name] = {"tag": tag, "type": kind, "value": a.get("value", "")}
        elif tag == "textarea":
            self._form["fields"][name] = {"tag": tag, "type": "text", "value": ""}
        elif tag == "select":
            self._form["fields"][name] = {"tag": tag, "type": "select", "value": None}
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def _web_values(name: str, field: dict):
    kind = field["type"]
    if kind in ("hidden", "submit", "button", "checkbox", "radio", "password"):
        return []
    if kind == "file":
        return ["file:wrong", "file:oversized"]
    if kind == "date" or name.endswith(("date", "_on", "_until", "_from")):
        return DATES
    if kind == "number" or any(w in name for w in ("amount", "units", "price", "nav", "budget")):
        return WEB_AMOUNTS
    if kind == "select":
        return [TEXTS[1], "100000000000000000000"]
    return TEXTS


def _stored(value: str) -> bool:
    """Whether some text column of some table holds ``value`` exactly."""
    local = {"institutions", "products", "orders", "profiles", "marketplace"}
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in local or model._meta.proxy:
            continue
        names = [
            f.name
            for f in model._meta.fields
            if f.get_internal_type() in ("CharField", "TextField") and not f.choices
        ]
        if names:
            query = model.objects.none()
            for name in names:
                query = query | model.objects.filter(**{name: value})
            if query.exists():
                return True
    return False


def _web_principal(route: str, w) -> object:
    if route.startswith("portal/"):
        return w["admin"]
    if route.startswith("staff/"):
        return StaffFactory()
    return w["investor"]


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=PAGE_ROUTES)
def test_every_form_refuses_bad_input_with_nothing_saved(route, client):
    w = _world()
    client.force_login(_web_principal(route, w))
    kwargs = PAGES_WITH_KWARGS.get(route, lambda _: {})(w)
    page_url = "/" + route_with(route, kwargs)
    page = client.get(page_url)
    assert page.status_code < 500, (page_url, page.status_code)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(page.content.decode())
    tables = _tables()
    problems = []
    for form in parser.forms:
        action = form["action"] or page_url
        if action.startswith(NOT_INPUT_ACTIONS) or action.startswith("http"):
            continue
        base = {n: f["value"] or "" for n, f in form["fields"].items() if f["value"] is not None}
        for name, field in form["fields"].items():
            for value in _web_values(name, field):
                before = _counts(tables)
                data = {**base, name: _upload(value) if value.startswith("file:") else value}
                response = client.post(action, data)
                status = response.status_code
                label = f"{action} {name}={value!r:.30}"
                if status >= 500:
                    problems.append(f"{label}: {status}")
                elif value in NEVER_SAVED or value.startswith("file:"):
                    if _counts(tables) != before:
                        problems.append(f"{label}: {status} and a row was saved")
                elif value in TEXTS and _counts(tables) != before and not _stored(value):
                    problems.append(f"{label}: {status}, saved, but the text is not stored as sent")
    assert not problems, "\n".join(problems)


def test_the_form_walk_reads_a_real_form(client):
    w = _world()
    client.force_login(w["investor"])
    parser = _Forms()
    parser.feed(client.get("/me/cash/").content.decode())
    deposit = [f for f in parser.forms if f["action"] == "/me/cash/deposit/"]
    assert deposit, parser.forms
    assert deposit[0]["fields"]["card"]["value"] == str(w["card"].pk)  # the page's own choice
    assert WEB_AMOUNTS == _web_values("amount", deposit[0]["fields"]["amount"])
