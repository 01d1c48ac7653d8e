"""Automatic investment plans (DESIGN §4): a fund bought for a fixed amount on a schedule,
each purchase an ordinary order through ``orders.services.order_place``."""
