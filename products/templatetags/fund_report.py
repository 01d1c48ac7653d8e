"""The fund page's periodic-report section loads its own data, so the page's view is unchanged:
``{% fund_report_page product as facts %}``."""

from __future__ import annotations

from django import template

from products.report_selectors import report_page_for_fund

register = template.Library()


@register.simple_tag
def fund_report_page(product):
    """The fund's current approved report, ready to show (None when it has none)."""
    return report_page_for_fund(product=product)
