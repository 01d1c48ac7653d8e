"""The investor's portfolio page: positions valued, and the returns over the chosen period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors
from ..insight.views import returns_context


@login_required
def portfolio(request):
    portfolio = selectors.portfolio_for(user=request.user)
    return render(
        request,
        "orders/portfolio.html",
        {
            "portfolio": portfolio,
            **returns_context(request, first_trade_date=portfolio.first_trade_date),
        },
    )
