"""The investor's portfolio page: positions valued, and the returns over the chosen period."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import selectors
from ..insight.views import returns_context


@login_required
def portfolio(request):
    return render(
        request,
        "orders/portfolio.html",
        {"portfolio": selectors.portfolio_for(user=request.user), **returns_context(request)},
    )
