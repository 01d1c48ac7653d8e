"""``{% service_figures %}``: questions and complaints per institution on the staff overview
(orders/aftersales; the overview view itself belongs to the older trading code, which does
not import the newer sub-package)."""

from django import template

from orders.aftersales.selectors import service_figures_by_institution

register = template.Library()


@register.inclusion_tag("staff/aftersales/_figures.html")
def service_figures():
    return {"figures": service_figures_by_institution()}
