"""``{% form_token %}``: the hidden one-time token of a form that must act only once."""

from django import template
from django.utils.html import format_html

from marketplace.idempotency import FIELD, new_form_token

register = template.Library()


@register.simple_tag
def form_token():
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_form_token())
