"""Campaigns, offers, the investor's inbox and after-sales notices (DESIGN §2, §4).

``inbox`` is the one way a message reaches an investor: a row in the inbox (unique per
investor, topic and subject, so every notice and offer arrives once) and, where wanted, an
e-mail sent by Celery in batches. Offers carry a signed one-click unsubscribe link."""
