"""The bad values sent, by kind of field, and the write operations and uploads of the OpenAPI
schema they are sent to; what an accepted value must keep of the schema's promise."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from drf_spectacular.generators import SchemaGenerator

AMOUNTS = [
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "１０",  # full-width digits
    "12.345",
    "100000000000000000000",  # 10^20
]
INTEGERS = [0, -1, 10**20, 12.345, "NaN", "１０", "1e309"]
TEXTS = [
    "x" * 10_000,
    "nul\x00byte",
    "<script>alert(1)</script>",
    'O\'Brien "quoted" `tick`',
    "\u202egnp.exe",  # right-to-left override
]
DATES = ["2026-02-30", "2026-13-01", "0000-00-00", "2026-02-30\x00"]
# Answers that refuse: bad input (400) and the state / secret answers the schema states.
REFUSED = {400, 403, 404, 409, 423}
SKIPPED_FIELDS = {
    # A trade PIN's own rules and lock-out are tests/profiles/security's; a wrong current PIN
    # five times locks the PIN, which is not bad input.
    ("POST /api/v1/me/pin/", "current_pin"),
}


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _schema()
COMPONENTS = SCHEMA["components"]["schemas"]


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    if "oneOf" in node and "properties" not in node:
        # A nullable field (one branch null) or a body of several kinds: the first real branch.
        branches = [_resolve(b) for b in node["oneOf"]]
        real = [
            b for b in branches if b.get("type") != "null" and b.get("enum") not in ([None], [""])
        ]
        return real[0] if real else branches[0]
    return node


def _kind(field: dict) -> str | None:
    if field.get("readOnly"):
        return None
    kind, fmt = field.get("type"), field.get("format")
    if kind == "string" and fmt == "decimal":
        return "amount"
    if kind == "string" and fmt in ("date", "date-time"):
        return "date"
    if kind == "string":
        return "text"
    if kind == "number":
        return "amount"
    if kind == "integer":
        return "integer"
    return None


def write_operations():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            body = _resolve(content["application/json"]["schema"])
            fields = {name: _resolve(f) for name, f in body.get("properties", {}).items()}
            yield f"{method.upper()} {path}", fields


OPERATIONS = list(write_operations())


WEB_AMOUNTS = ["0", "-1", "1e309", "NaN", "Infinity", "１０", "12.345", "100000000000000000000"]
# Values no field may accept: a row saved after one of them is a defect, whatever the status.
NEVER_SAVED = {"1e309", "NaN", "Infinity", "１０", "nul\x00byte", "2026-02-30"}
OVERSIZED = 30 * 1024 * 1024  # above every upload limit of the site


def _allowed(field: dict, value) -> str | None:
    """Why an accepted ``value`` breaks what the schema promises for ``field`` (None if it
    keeps the promise)."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return "not a finite number"
    if field.get("type") == "integer":
        if not isinstance(value, int):
            return "not an integer"
    if field.get("type") == "string":
        if not isinstance(value, str):
            return "not a string"
        if "\x00" in value:
            return "a NUL character"
        if "maxLength" in field and len(value) > field["maxLength"]:
            return f"longer than {field['maxLength']}"
        if "pattern" in field and not re.search(field["pattern"], value):
            return "outside the pattern"
        if field.get("format") == "decimal":
            try:
                number = Decimal(value)
            except InvalidOperation:
                return "not a decimal"
            if not number.is_finite() or not value.isascii():
                return "not a plain ASCII decimal"
        if field.get("format") == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                return "not a real date"
    if "enum" in field and value not in field["enum"]:
        return "outside the enum"
    for bound, ok in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b)):
        if bound in field and isinstance(value, int | float) and not ok(value, field[bound]):
            return f"beyond the {bound}"
    return None


def _cases(operation: str, fields: dict):
    corpus = {"amount": AMOUNTS, "integer": INTEGERS, "text": TEXTS, "date": DATES}
    for name, field in fields.items():
        kind = _kind(field)
        if kind is None or (operation, name) in SKIPPED_FIELDS:
            continue
        if "enum" in field:  # a choice: one value of each kind is enough
            values = [TEXTS[1], TEXTS[2], "100000000000000000000"]
        else:
            values = corpus[kind]
        for value in values:
            yield name, field, value


def multipart_operations():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "multipart/form-data" in content:
                body = _resolve(content["multipart/form-data"]["schema"])
                files = [
                    name
                    for name, field in body.get("properties", {}).items()
                    if _resolve(field).get("format") == "binary"
                ]
                if files:
                    yield f"{method.upper()} {path}", files


UPLOADS = list(multipart_operations())
