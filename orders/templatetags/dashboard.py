"""``{% institution_business %}`` on the portal dashboard and ``{% platform_business %}`` on the
staff overview (orders/insight/dashboard.py). The portal's dashboard view lives in
``institutions``, which may not import ``orders``; the staff overview's view belongs to the older
trading code, which does not import the newer sub-packages: both pages load their figures here."""

from django import template

from orders.insight.dashboard import institution_dashboard, platform_overview
from orders.insight.staff_queues import review_queues

register = template.Library()


@register.inclusion_tag("portal/_business.html", takes_context=True)
def institution_business(context):
    request = context["request"]
    return {"figures": institution_dashboard(institution=request.institution), "request": request}


@register.inclusion_tag("staff/_business.html")
def platform_business():
    return {"figures": platform_overview(), "queues": review_queues()}
