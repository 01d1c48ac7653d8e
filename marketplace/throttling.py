"""Per-user limits on the API calls that move money: deposits, withdrawals, order placement.

A view names its ``throttle_scope``; the rate is ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
for that scope, read at each request. Reads (GET, HEAD, OPTIONS) are never limited. Past the
limit the API answers 429 with a ``Retry-After`` header.
"""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class MoneyActionThrottle(ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
