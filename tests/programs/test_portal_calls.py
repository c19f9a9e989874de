"""The public calls: every zone's open calls, upcoming and recently closed ones shown as such; the home page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Application
from programs.selectors import call_list_public, open_calls
from tests import factories as f
from tests.programs.test_portal_support import member_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def days(n: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=n)


@pytest.fixture
def calls():
    yangjae = f.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    gwangju = f.ZoneFactory(name_ko="광주 AI 집적단지", name_en="Gwangju AI Cluster")
    tenancy = f.ProgramFactory(zone=yangjae, kind="tenancy")
    compute = f.ProgramFactory(zone=gwangju, kind="compute")
    return {
        "open": f.CallFactory(
            program=tenancy,
            title_ko="AI 허브 입주기업 모집",
            title_en="AI Hub tenants",
            eligibility_ko="창업 7년 이내 AI 기업",
            eligibility_en="AI companies under 7 years old",
            documents_required="사업계획서, 사업자등록증",
            awards_planned=20,
        ),
        "compute": f.CallFactory(program=compute, title_ko="GPU 컴퓨팅 지원", closes_at=days(3)),
        "upcoming": f.CallFactory(program=compute, title_ko="하반기 GPU 지원", opens_at=days(10), closes_at=days(40)),
        "closed": f.CallFactory(
            program=tenancy, title_ko="상반기 입주기업 모집", opens_at=days(-60), closes_at=days(-5)
        ),
        "long closed": f.CallFactory(
            program=tenancy, title_ko="오래된 모집", opens_at=days(-900), closes_at=days(-800)
        ),
        "unpublished": f.CallFactory(program=tenancy, title_ko="준비 중인 공모", is_published=False),
        "archived": f.CallFactory(program=tenancy, title_ko="취소된 공모", archived_at=timezone.now()),
    }


def test_selectors_tell_open_upcoming_and_closed_calls_apart(calls):
    assert list(open_calls()) == [calls["compute"], calls["open"]]  # the soonest to close first
    states = {call.title_ko: call.state for call in call_list_public()}
    assert states == {
        "AI 허브 입주기업 모집": "open",
        "GPU 컴퓨팅 지원": "open",
        "하반기 GPU 지원": "upcoming",
        "상반기 입주기업 모집": "closed",
    }


def test_call_list_groups_calls_by_zone_and_shows_closed_ones_as_closed(client, calls):
    response = client.get(reverse("programs:call_list"), **EN)

    assert response.status_code == 200
    groups = {
        zone.name_ko: ([call.title_ko for call in current], [call.title_ko for call in closed])
        for zone, current, closed in response.context["groups"]
    }
    assert groups == {
        "양재 AI 특구": (["AI 허브 입주기업 모집"], ["상반기 입주기업 모집"]),
        "광주 AI 집적단지": (["GPU 컴퓨팅 지원", "하반기 GPU 지원"], []),
    }
    content = response.content.decode()
    assert "Yangjae AI Special Zone" in content
    assert "AI companies under 7 years old" in content and "사업계획서, 사업자등록증" in content
    assert "Tenancy" in content and "Compute allocation" in content
    assert "Closes in 3 days" in content
    assert "Closed calls no longer accept applications." in content
    assert "Opening soon" in content
    for hidden in ("오래된 모집", "준비 중인 공모", "취소된 공모"):
        assert hidden not in content


def test_call_list_is_in_korean_by_default(client, calls):
    content = client.get(reverse("programs:call_list")).content.decode()
    assert '<html lang="ko">' in content
    assert "창업 7년 이내 AI 기업" in content
    assert "AI companies under 7 years old" not in content


def test_call_detail_offers_apply_to_a_company_user_while_open(client, calls):
    call = calls["open"]
    url = reverse("programs:call_detail", args=[call.pk])
    apply = reverse("programs:application_start", args=[call.pk])

    anonymous = client.get(url, **EN).content.decode()
    assert "Log in to apply" in anonymous and apply not in anonymous

    client.force_login(member_of())
    assert apply in client.get(url).content.decode()


def test_call_detail_of_a_closed_call_says_so_and_offers_no_apply(client, calls):
    call = calls["closed"]
    client.force_login(member_of())
    content = client.get(reverse("programs:call_detail", args=[call.pk]), **EN).content.decode()
    assert "This call is closed" in content
    assert reverse("programs:application_start", args=[call.pk]) not in content


def test_call_detail_leads_to_the_companys_existing_application(client, calls):
    user = member_of()
    company = user.company_memberships.get().company
    application = f.ApplicationFactory(call=calls["open"], company=company, status="draft", submitted_at=None)
    client.force_login(user)
    content = client.get(reverse("programs:call_detail", args=[calls["open"].pk]), **EN).content.decode()
    assert "Continue your application" in content
    assert reverse("programs:application_edit", args=[application.pk]) in content


@pytest.mark.parametrize("which", ["unpublished", "archived"])
def test_unpublished_and_archived_calls_do_not_exist_for_the_public(client, calls, which):
    assert client.get(reverse("programs:call_detail", args=[calls[which].pk])).status_code == 404


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_call_list_query_count_does_not_grow_with_calls(client):
    f.CallFactory()
    url = reverse("programs:call_list")
    client.get(url)
    with_one = queries(client, url)

    for _ in range(3):
        program = f.ProgramFactory()
        f.CallFactory.create_batch(5, program=program)
        f.CallFactory(program=program, opens_at=days(-60), closes_at=days(-5))
    assert queries(client, url) == with_one


def test_application_list_query_count_does_not_grow_with_applications(client):
    user = member_of()
    company = user.company_memberships.get().company
    f.ApplicationFactory(company=company)
    client.force_login(user)
    url = reverse("programs:application_list")
    client.get(url)
    with_one = queries(client, url)

    for status in ["draft", "submitted", "info_requested", "approved"] * 5:
        f.ApplicationFactory(company=company, status=status, submitted_at=None if status == "draft" else timezone.now())
    assert Application.objects.filter(company=company).count() == 21
    assert queries(client, url) == with_one


def test_home_lists_open_calls_beside_the_zones(client, calls):
    response = client.get(reverse("home"), **EN)
    content = response.content.decode()

    assert [call.title_ko for call in response.context["open_calls"]] == ["GPU 컴퓨팅 지원", "AI 허브 입주기업 모집"]
    assert "AI Hub tenants" in content
    assert "D-3" in content
    assert reverse("programs:call_detail", args=[calls["compute"].pk]) in content
    assert "Gwangju AI Cluster" in content
    assert "상반기 입주기업 모집" not in content


def test_home_query_count_does_not_grow_with_open_calls(client):
    f.CallFactory()
    url = reverse("home")
    client.get(url)
    with_one = queries(client, url)
    f.CallFactory.create_batch(6)
    assert queries(client, url) == with_one
