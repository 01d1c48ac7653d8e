"""A distribution paid (issue 14): each holder's inbox notice is in their own language, with
the amounts as that language writes money. Needs the compiled catalogue (``locale/``)."""

from orders.campaigns.models import InboxMessage, Topic
from tests import factories


def test_each_holder_is_told_of_the_payment_in_their_language(buy, fund, approved, pay_day):
    chinese = factories.investor_with_cash(cash="20000")
    chinese.language = "zh-hans"
    chinese.save(update_fields=["language"])
    english = factories.investor_with_cash(cash="20000")
    buy(chinese)
    buy(english)
    approved()
    pay_day()

    zh = InboxMessage.objects.get(user=chinese, topic=Topic.DISTRIBUTION_PAID)
    en = InboxMessage.objects.get(user=english, topic=Topic.DISTRIBUTION_PAID)
    assert zh.title == f"{fund.name}：分红已发放"
    assert "每份 ¥0.0123 的分红" in zh.body
    assert "¥123.00" in zh.body
    assert en.title == f"{fund.name}: distribution paid"
    assert "CNY 0.0123 per unit on your 10,000.00 units" in en.body
    assert "paid CNY 123.00 into your cash" in en.body
