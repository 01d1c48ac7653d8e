"""How the services' messages and e-mails read: a status as a word inside a sentence, the
translated site name and a one-line subject."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from ..models import InstitutionStatus


def _status_word(status: str):
    """A status as a word inside a sentence ("approved"), translated when the message is shown
    (the params of a ValidationError are rendered in the reader's language, not the raiser's)."""
    if status not in InstitutionStatus.values:
        return status
    return lazy(lambda: str(InstitutionStatus(status).label).lower(), str)()


# The brand is translated in an e-mail's text (财富市场); the From header keeps SITE_NAME.
gettext_noop("Fortune Market")


def _site_name() -> str:
    return translation.gettext(settings.SITE_NAME)


def _one_line(text: str) -> str:
    """An e-mail subject on one line: a name typed with a line break must not break the
    header (``BadHeaderError``)."""
    return " ".join(text.split())
