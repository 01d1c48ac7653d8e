"""The risk questionnaire's texts (questions, help, answers, title) as translatable strings.

The questionnaire lives in the database in English (loaded from v1.json by a migration) and the
answers are stored as {question_id: option_id}, so nothing keys on the text. Pages show each
text through :func:`question_text`, which looks its English up here and returns the active
language's translation (the English itself for a text not listed, e.g. a newer version not
yet added here; tests/profiles checks every text of v1.json is listed)."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

# Not a format string: its "%" is a percentage (so its translation may be followed by "，").
FELL_20 = pgettext_lazy(
    "risk questionnaire",
    # xgettext:no-python-format
    "If your investment fell 20% in one month, what would you do?",
)

TEXTS = {
    "Investor risk questionnaire": pgettext_lazy(
        "risk questionnaire", "Investor risk questionnaire"
    ),
    "What is the main purpose of the money you plan to invest?": pgettext_lazy(
        "risk questionnaire", "What is the main purpose of the money you plan to invest?"
    ),
    "Keep it safe: I may need it at any time": pgettext_lazy(
        "risk questionnaire", "Keep it safe: I may need it at any time"
    ),
    "Earn a little more than a bank deposit": pgettext_lazy(
        "risk questionnaire", "Earn a little more than a bank deposit"
    ),
    "Grow it steadily over the years": pgettext_lazy(
        "risk questionnaire", "Grow it steadily over the years"
    ),
    "Grow it as much as possible": pgettext_lazy(
        "risk questionnaire", "Grow it as much as possible"
    ),
    "How long can you leave this money invested without needing it?": pgettext_lazy(
        "risk questionnaire", "How long can you leave this money invested without needing it?"
    ),
    "Less than 1 year": pgettext_lazy("risk questionnaire", "Less than 1 year"),
    "1 to 3 years": pgettext_lazy("risk questionnaire", "1 to 3 years"),
    "3 to 5 years": pgettext_lazy("risk questionnaire", "3 to 5 years"),
    "More than 5 years": pgettext_lazy("risk questionnaire", "More than 5 years"),
    "Which of these have you invested in before?": pgettext_lazy(
        "risk questionnaire", "Which of these have you invested in before?"
    ),
    "Choose the riskiest one you have held.": pgettext_lazy(
        "risk questionnaire", "Choose the riskiest one you have held."
    ),
    "Only bank deposits": pgettext_lazy("risk questionnaire", "Only bank deposits"),
    "Money-market or bond funds": pgettext_lazy("risk questionnaire", "Money-market or bond funds"),
    "Mixed or equity funds, or shares": pgettext_lazy(
        "risk questionnaire", "Mixed or equity funds, or shares"
    ),
    "Futures, options or leveraged products": pgettext_lazy(
        "risk questionnaire", "Futures, options or leveraged products"
    ),
    "How many years have you been investing?": pgettext_lazy(
        "risk questionnaire", "How many years have you been investing?"
    ),
    "I have never invested": pgettext_lazy("risk questionnaire", "I have never invested"),
    "Less than 2 years": pgettext_lazy("risk questionnaire", "Less than 2 years"),
    "2 to 5 years": pgettext_lazy("risk questionnaire", "2 to 5 years"),
    "What is your yearly income after tax?": pgettext_lazy(
        "risk questionnaire", "What is your yearly income after tax?"
    ),
    "Under 50,000 CNY": pgettext_lazy("risk questionnaire", "Under 50,000 CNY"),
    "50,000 to 150,000 CNY": pgettext_lazy("risk questionnaire", "50,000 to 150,000 CNY"),
    "150,000 to 500,000 CNY": pgettext_lazy("risk questionnaire", "150,000 to 500,000 CNY"),
    "Over 500,000 CNY": pgettext_lazy("risk questionnaire", "Over 500,000 CNY"),
    "What share of your savings do you plan to invest?": pgettext_lazy(
        "risk questionnaire", "What share of your savings do you plan to invest?"
    ),
    "More than half": pgettext_lazy("risk questionnaire", "More than half"),
    "A quarter to a half": pgettext_lazy("risk questionnaire", "A quarter to a half"),
    "A tenth to a quarter": pgettext_lazy("risk questionnaire", "A tenth to a quarter"),
    "Less than a tenth": pgettext_lazy("risk questionnaire", "Less than a tenth"),
    "Do you have savings to cover at least six months of expenses?": pgettext_lazy(
        "risk questionnaire", "Do you have savings to cover at least six months of expenses?"
    ),
    "No": pgettext_lazy("risk questionnaire", "No"),
    "About three months": pgettext_lazy("risk questionnaire", "About three months"),
    "Yes, six months or more": pgettext_lazy("risk questionnaire", "Yes, six months or more"),
    "What is the largest fall in value you could accept over a year?": pgettext_lazy(
        "risk questionnaire", "What is the largest fall in value you could accept over a year?"
    ),
    "I cannot accept any loss": pgettext_lazy("risk questionnaire", "I cannot accept any loss"),
    "Up to 5%": pgettext_lazy("risk questionnaire", "Up to 5%"),
    "Up to 15%": pgettext_lazy("risk questionnaire", "Up to 15%"),
    "Up to 30%": pgettext_lazy("risk questionnaire", "Up to 30%"),
    "More than 30%": pgettext_lazy("risk questionnaire", "More than 30%"),
    "If your investment fell 20% in one month, what would you do?": FELL_20,
    "Sell everything": pgettext_lazy("risk questionnaire", "Sell everything"),
    "Sell part of it": pgettext_lazy("risk questionnaire", "Sell part of it"),
    "Hold and wait": pgettext_lazy("risk questionnaire", "Hold and wait"),
    "Buy more": pgettext_lazy("risk questionnaire", "Buy more"),
    "Which one-year outcome would you choose?": pgettext_lazy(
        "risk questionnaire", "Which one-year outcome would you choose?"
    ),
    "A certain gain of 3%": pgettext_lazy("risk questionnaire", "A certain gain of 3%"),
    "Likely 6%, possibly a 5% loss": pgettext_lazy(
        "risk questionnaire", "Likely 6%, possibly a 5% loss"
    ),
    "Possibly 15%, possibly a 15% loss": pgettext_lazy(
        "risk questionnaire", "Possibly 15%, possibly a 15% loss"
    ),
    "Possibly 30%, possibly a 30% loss": pgettext_lazy(
        "risk questionnaire", "Possibly 30%, possibly a 30% loss"
    ),
}


def question_text(text: str) -> str:
    """The questionnaire text ``text`` (English, as stored) in the active language."""
    if not text:
        return ""
    return str(TEXTS.get(text, text))
