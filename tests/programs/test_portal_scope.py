"""A company sees and changes only its own records: every other id answers 404; anonymous users log in first."""

import pytest
from django.urls import reverse

from programs.models import Application, ApplicationDocument
from programs.services.applications import application_submit
from tests import factories as f
from tests.programs.test_portal_support import complete_draft, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs():
    """Another company's submitted application with its document and revision."""
    application, user = complete_draft()
    application = application_submit(application=application, acting_user=user)
    return application


@pytest.fixture
def mine():
    application, user = complete_draft()
    return application, user


def company_urls(application) -> list[tuple[str, str]]:
    document = application.documents.first()
    revision = application.revisions.first()
    urls = [
        ("get", reverse("programs:application_detail", args=[application.pk])),
        ("get", reverse("programs:application_edit", args=[application.pk])),
        ("get", reverse("programs:application_edit", args=[application.pk, 0])),
        ("post", reverse("programs:application_edit", args=[application.pk, 1])),
        ("post", reverse("programs:application_submit", args=[application.pk])),
        ("get", reverse("programs:application_withdraw", args=[application.pk])),
        ("post", reverse("programs:application_withdraw", args=[application.pk])),
        ("post", reverse("programs:application_reply", args=[application.pk])),
        ("get", reverse("programs:document_download", args=[document.pk])),
        ("post", reverse("programs:document_remove", args=[document.pk])),
    ]
    if revision is not None:
        urls.append(("get", reverse("programs:revision_detail", args=[revision.pk])))
    return urls


def test_every_view_answers_404_for_another_companys_ids(client, theirs, mine):
    _application, user = mine
    client.force_login(user)

    for method, url in company_urls(theirs):
        response = getattr(client, method)(url, {"body": "x", "comment": "x", "plan": "x"})
        assert response.status_code == 404, (method, url)

    theirs.refresh_from_db()
    assert theirs.status == Application.Status.SUBMITTED
    assert not theirs.messages.exists()
    assert not ApplicationDocument.objects.filter(application=theirs, removed_at__isnull=False).exists()


def test_a_member_of_two_companies_sees_only_the_company_chosen_in_the_session(client, theirs):
    user = member_of(theirs.company)
    other = f.CompanyFactory(name_ko="가나다 먼저 오는 회사")
    f.CompanyMemberFactory(company=other, user=user)
    client.force_login(user)
    session = client.session
    session["portal_company_id"] = other.pk
    session.save()

    assert client.get(reverse("programs:application_detail", args=[theirs.pk])).status_code == 404


def test_an_inactive_member_no_longer_sees_the_companys_documents(client, theirs):
    user = member_of(theirs.company)
    theirs.company.members.filter(user=user).update(is_active=False)
    client.force_login(user)
    document = theirs.documents.get()
    assert client.get(reverse("programs:document_download", args=[document.pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, theirs):
    login = reverse("account_login")
    urls = [*company_urls(theirs), ("get", reverse("programs:application_list"))]
    call = theirs.call
    urls.append(("post", reverse("programs:application_start", args=[call.pk])))
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(login), (method, url)


def test_public_pages_need_no_login(client, theirs):
    assert client.get(reverse("programs:call_list")).status_code == 200
    assert client.get(reverse("programs:call_detail", args=[theirs.call.pk])).status_code == 200


def test_the_calls_zone_staff_may_download_a_document_and_other_zones_staff_may_not(client, theirs):
    document = theirs.documents.get()
    url = reverse("programs:document_download", args=[document.pk])

    officer = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=theirs.call.program.zone, user=officer)
    client.force_login(officer)
    assert client.get(url).status_code == 200

    stranger = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=f.ZoneFactory(), user=stranger)
    client.force_login(stranger)
    assert client.get(url).status_code == 404

    client.force_login(f.SuperUserFactory())
    assert client.get(url).status_code == 200


def test_a_user_without_a_company_cannot_reach_company_pages(client):
    client.force_login(f.UserFactory())
    response = client.get(reverse("programs:application_list"))
    assert response.status_code == 302
    assert reverse("programs:application_list") not in response["Location"]
