"""Issue 16: a corpus of bad input sent into every field of every write operation of the API.

The operations come from the OpenAPI schema (drf-spectacular's generator, as ``/api/schema/``
serves it), so an endpoint added later joins the walk by itself. Each string, number, integer
and date field of a JSON body gets each value of its kind's corpus, one field at a time, the
other fields valid where the operation has a known-good body (``bases``), as the principal the
path is for (an investor under ``/me/`` and ``/orders/``, an institution admin with TOTP under
``/portal/``). Every answer must be:

- never a 5xx;
- a refusal (400, or the 403/404/409/423 the schema states for state and secrets) with nothing
  saved: the row count of every table and the row of the object the URL names are unchanged;
- or an acceptance only of a value the schema allows for the field (its pattern, length,
  enum, bounds, a real date), echoed exactly where the answer carries the field: a text is
  stored as sent or refused, never truncated or rewritten in silence.

The web forms are walked the same way: every POST form on every signed-in page (``/me/``,
``/portal/``, ``/staff/``, the application form, and the pages with a parameter listed in
``PAGES_WITH_KWARGS``), read from the page's own HTML with the values the page fills in, one
field at a time: never a 5xx, and a value no field may take (``NEVER_SAVED``, a wrong or
oversized file) saves no row whatever the answer.

Defects this found and fixed: integer inputs of the API (plans, campaigns, coupons) and money
and percentage form fields took full-width digits ``"１０"`` as 10 (Python's ``int`` and
``Decimal`` read any Unicode digits); now a 400 / form error like any other non-number.
"""
