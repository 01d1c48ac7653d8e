import datetime as dt

import pytest

from tests.factories import UserFactory, resident_id

ADULT = dt.date(1990, 3, 7)


@pytest.fixture
def newcomer(db):
    """A signed-up investor (verified e-mail) who has not verified an identity yet."""
    return UserFactory(identity=False)


def rid(birth: dt.date = ADULT, sequence: int = 123) -> str:
    return resident_id(birth, sequence)
