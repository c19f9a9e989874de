"""The people every API test acts as: a superuser, an officer of zone A (with the zone office's permissions),
an officer of zone B, a reviewer, a member of company A, someone signed in with no role, and the public."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.demo.people import zone_office_permissions
from tests import factories as f
from zones.models import ZoneStaff


@dataclass
class World:
    zone_a: object
    zone_b: object
    company_a: object
    company_b: object
    superuser: object
    officer_a: object
    officer_b: object
    reviewer_a: object
    member_a: object
    stranger: object


def _officer(zone, username: str):
    user = f.StaffUserFactory(username=username)
    user.user_permissions.set(zone_office_permissions())
    f.ZoneStaffFactory(zone=zone, user=user, role=ZoneStaff.Role.OFFICER)
    return user


@pytest.fixture
def world(db) -> World:
    zone_a = f.ZoneFactory(slug="zone-a", name_ko="가 특구", name_en="Zone A")
    zone_b = f.ZoneFactory(slug="zone-b", name_ko="나 특구", name_en="Zone B")
    company_a = f.CompanyFactory(name_ko="가 기업")
    company_b = f.CompanyFactory(name_ko="나 기업")
    member_a = f.UserFactory(username="member-a", email="member-a@example.com")
    f.CompanyMemberFactory(company=company_a, user=member_a)
    reviewer_a = f.StaffUserFactory(username="reviewer-a")
    f.ZoneStaffFactory(zone=zone_a, user=reviewer_a, role=ZoneStaff.Role.REVIEWER)
    return World(
        zone_a=zone_a,
        zone_b=zone_b,
        company_a=company_a,
        company_b=company_b,
        superuser=f.SuperUserFactory(username="root"),
        officer_a=_officer(zone_a, "officer-a"),
        officer_b=_officer(zone_b, "officer-b"),
        reviewer_a=reviewer_a,
        member_a=member_a,
        stranger=f.UserFactory(username="stranger"),
    )


@pytest.fixture
def as_user():
    """as_user(user) -> an APIClient signed in as that user (None: the public), asking for English."""

    def make(user) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def count_queries():
    """count_queries(client, url) -> the number of queries the GET ran (the response must be 200)."""

    def count(client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.content
        return len(queries)

    return count
