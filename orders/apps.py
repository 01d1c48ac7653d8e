from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders, holdings and settlement"

    def ready(self):
        from . import checks  # noqa: F401  (registers the payment checks)
        from .campaigns.notices import events

        events.connect()  # a product's risk raised (products' signal) → holders' notices
