from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders, holdings and settlement"

    def ready(self):
        from . import checks  # noqa: F401  (registers the payment checks)
        from .campaigns.notices import events
        from .insight import watch_checks
        from .plans.distributions.services.corrections import reinvestments_follow_correction
        from .plans.distributions.services.payment import distributions_pay
        from .services.corrections.workflow import after_lots_repriced
        from .services.end_of_day import after_confirmation

        events.connect()  # a product's risk raised (products' signal) → holders' notices
        watch_checks.connect()  # a NAV uploaded or an article published → watchlist alerts checked
        # End of day pays the distributions due, right after the confirmations.
        after_confirmation(distributions_pay)
        # A NAV correction re-prices reinvested lots; their payments and investors follow.
        after_lots_repriced(reinvestments_follow_correction)
