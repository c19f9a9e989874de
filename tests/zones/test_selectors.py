"""Who the plan names: only these businesses may use the zone's special cases."""

import datetime as dt

import pytest

from tests import factories as f
from zones.selectors import company_is_plan_operator, plan_operators_in_force

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 1)


def test_company_named_in_the_plan_is_an_operator():
    operator = f.PlanOperatorFactory(company=f.CompanyFactory(), named_on=dt.date(2024, 11, 28))

    assert company_is_plan_operator(operator.company, operator.zone, on=DAY)
    assert company_is_plan_operator(operator.company, operator.zone_id, on=DAY)


def test_company_only_located_in_the_zone_is_not_an_operator():
    tenancy = f.TenancyFactory()

    assert not company_is_plan_operator(tenancy.company, tenancy.zone, on=DAY)


def test_company_named_in_another_zones_plan_is_not_an_operator_here():
    operator = f.PlanOperatorFactory(company=f.CompanyFactory())

    assert not company_is_plan_operator(operator.company, f.ZoneFactory(), on=DAY)


@pytest.mark.parametrize(
    ("named_on", "removed_on", "expected"),
    [
        (None, None, True),
        (dt.date(2024, 11, 28), dt.date(2025, 5, 31), False),  # removed before the day
        (dt.date(2024, 11, 28), DAY, False),  # removed that day
        (dt.date(2024, 11, 28), dt.date(2025, 12, 31), True),  # removal approved for later
        (dt.date(2025, 7, 1), None, False),  # not named yet
    ],
)
def test_operator_is_in_force_between_naming_and_removal(named_on, removed_on, expected):
    operator = f.PlanOperatorFactory(company=f.CompanyFactory(), named_on=named_on, removed_on=removed_on)

    assert company_is_plan_operator(operator.company, operator.zone, on=DAY) is expected
    assert (operator in plan_operators_in_force(operator.zone, on=DAY)) is expected


def test_no_company_is_never_an_operator():
    operator = f.PlanOperatorFactory()  # an institution: no company linked

    assert not company_is_plan_operator(None, operator.zone, on=DAY)
