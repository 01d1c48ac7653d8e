"""A fund company and one of its editors."""

import pytest

from institutions.models import InstitutionType, Role
from tests.factories import InstitutionFactory, MembershipFactory


@pytest.fixture
def fund_company():
    return InstitutionFactory(type=InstitutionType.FUND_COMPANY)


@pytest.fixture
def editor(fund_company):
    return MembershipFactory(institution=fund_company, role=Role.EDITOR).user
