"""The investor's portfolio page: positions valued, and the returns over the chosen period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from .. import selectors
from ..fragments import investor_part
from ..insight.views import period_from, returns_context


@login_required
def portfolio(request):
    """The page's body is the investor's own and costs most of the page (valuing every
    holding over the period): it is built once and served again until one of the investor's
    rows, a product's or the day changes (``orders.fragments``)."""

    def build() -> str:
        portfolio = selectors.portfolio_for(user=request.user)
        return render_to_string(
            "orders/_portfolio_body.html",
            {
                "portfolio": portfolio,
                **returns_context(request, first_trade_date=portfolio.first_trade_date),
            },
        )  # no request: nothing per request (a CSRF token) may end up in the cached body

    period, error = period_from(request.GET)
    body = investor_part(
        user=request.user, kind="portfolio", parts=(period, error is not None), build=build
    )
    return render(request, "orders/portfolio.html", {"body": body})
