"""Sign-in security and the confirmation step for money (issue 12).

**Every operation that moves or commits money asks for the trade PIN (or, where the investor
has TOTP on, a current TOTP code), at its entry point, before anything is written.** Today:
purchase, sell and withdrawal, on the web and in the API. A new money operation (switches,
investment plans, …) must use the same one check, in one line:

- web: mix :class:`profiles.security.forms.TradePinFormMixin` into its form (a ``trade_pin``
  field, ``id_trade_pin``) and call ``form.trade_confirmed(user=request.user)`` after the form
  and the order checks pass and before the one-time form token is claimed;
- API: add :data:`profiles.security.api.TRADE_PIN_PARAMETER` to the operation's
  ``extend_schema(parameters=…)``, ``**TRADE_PIN_RESPONSES`` to its responses, and call
  :func:`profiles.security.api.trade_confirm_request` after the body is validated and before
  the service that writes.

Both end in :func:`profiles.security.services.trade_confirm`. The services that move money
(``order_place``, ``withdrawal_request``) do not take the PIN: they are also called by
end of day, plans and staff tools where no investor is present. To keep an entry point from
forgetting the check, ``tests/profiles/security/test_money_entry_points.py`` walks every
money-moving URL, web and API, and proves each one refuses without the PIN; add yours there.

Deposits need no PIN: the card's bank confirms them (and money only comes in).
"""
