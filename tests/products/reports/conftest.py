"""The fund, its editor and a member of staff every report test starts from."""

import pytest

from institutions.models import Role
from tests.factories import MembershipFactory, ProductFactory, StaffFactory


@pytest.fixture
def fund():
    return ProductFactory(name="Harbour Growth Mixed", fund_type="mixed", risk_level=3)


@pytest.fixture
def editor(fund):
    return MembershipFactory(institution=fund.institution, role=Role.EDITOR).user


@pytest.fixture
def staff():
    return StaffFactory()
