"""A user sees and changes only its own company's records: every other id answers 404; strangers log in first."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from companies import services
from companies.models import CompanyInvitation, CompanyMember, SelfReport
from tests import factories

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 11, 10, 10, 0, tzinfo=SEOUL), tick=False):
        yield


@pytest.fixture
def mine():
    return factories.CompanyMemberFactory(role="owner")


@pytest.fixture
def theirs():
    """Another company with a member, an open invitation and a report in a zone where only it resides."""
    owner = factories.CompanyMemberFactory(role="owner")
    member = factories.CompanyMemberFactory(company=owner.company, role="member")
    tenancy = factories.TenancyFactory(company=owner.company, moved_in_on=dt.date(2025, 1, 1))
    invitation = services.company_invitation_send(
        company=owner.company, email="x@their.kr", acting_user=owner.user, base_url="http://testserver/"
    )
    report = factories.SelfReportFactory(company=owner.company, zone=tenancy.zone, quarter=2, status="draft")
    return {"owner": owner, "member": member, "zone": tenancy.zone, "invitation": invitation, "report": report}


def test_another_companys_ids_are_not_found(client, mine, theirs):
    client.force_login(mine.user)
    zone = theirs["zone"]

    assert client.post(reverse("companies:member_deactivate", args=[theirs["member"].pk])).status_code == 404
    assert client.post(reverse("companies:member_deactivate", args=[theirs["owner"].pk])).status_code == 404
    assert client.post(reverse("companies:invitation_revoke", args=[theirs["invitation"].pk])).status_code == 404
    for quarter in (1, 2, 3):
        url = reverse("companies:selfreport_edit", args=[zone.pk, 2025, quarter])
        assert client.get(url).status_code == 404
        assert client.post(url, {"headcount": "1", "draft": "1"}).status_code == 404
    assert client.post(reverse("companies:company_switch"), {"company": theirs["owner"].company_id}).status_code == 404

    assert CompanyMember.objects.filter(is_active=True).count() == 3
    assert CompanyInvitation.objects.get().revoked_at is None
    assert SelfReport.objects.get().headcount == 12


def test_my_pages_show_nothing_of_another_company(client, mine, theirs):
    client.force_login(mine.user)
    their_company = theirs["owner"].company

    for name in ("companies:dashboard", "companies:company_edit", "companies:members", "companies:selfreport_list"):
        content = client.get(reverse(name)).content.decode()
        assert their_company.name_ko not in content, name
        assert theirs["member"].user.email not in content, name
        assert "x@their.kr" not in content, name


def test_a_deactivated_member_loses_access_to_the_company(client, theirs):
    services.company_member_deactivate(member=theirs["member"], acting_user=theirs["owner"].user)
    client.force_login(theirs["member"].user)
    zone = theirs["zone"]

    assert client.get(reverse("companies:dashboard")).url == reverse("companies:company_start")
    response = client.get(reverse("companies:selfreport_edit", args=[zone.pk, 2025, 2]))
    assert response.status_code == 302
    assert response.url == reverse("companies:company_start")


def test_an_archived_company_is_no_longer_acted_for(client, theirs):
    company = theirs["owner"].company
    company.archived_at = dt.datetime(2025, 11, 1, tzinfo=SEOUL)
    company.save()
    client.force_login(theirs["owner"].user)

    assert client.get(reverse("companies:dashboard")).url == reverse("companies:company_start")


URLS = [
    ("companies:dashboard", []),
    ("companies:company_start", []),
    ("companies:company_create", []),
    ("companies:company_claim", []),
    ("companies:company_edit", []),
    ("companies:members", []),
    ("companies:invite", []),
    ("companies:selfreport_list", []),
    ("companies:selfreport_edit", [1, 2025, 1]),
    ("companies:invitation_accept", ["some-token"]),
]
POST_ONLY = [
    ("companies:company_switch", []),
    ("companies:member_deactivate", [1]),
    ("companies:invitation_revoke", [1]),
]


@pytest.mark.parametrize(("name", "args"), URLS + POST_ONLY)
def test_anonymous_users_are_sent_to_log_in(client, name, args):
    url = reverse(name, args=args)

    response = client.post(url) if (name, args) in POST_ONLY else client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
