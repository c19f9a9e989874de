"""The zone office sees what the portal collected on the application's admin page and writes to the company."""

import pytest
from django.urls import reverse

from programs.models import Application
from programs.services.applications import (
    application_request_info,
    application_start_screening,
    application_submit,
)
from tests import factories as f
from tests.programs.conftest import grant
from tests.programs.test_portal_support import call_with_form, complete_draft, fill

pytestmark = pytest.mark.django_db
Status = Application.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def zone_officer(zone_a):
    user = f.StaffUserFactory(username="portal-officer")
    f.ZoneStaffFactory(zone=zone_a, user=user)
    grant(user, "view_application", "change_application")
    return user


@pytest.fixture
def resubmitted(zone_a, zone_officer):
    """An application submitted, asked for information, changed and resubmitted: two revisions."""
    application, user = complete_draft(call=call_with_form(zone=zone_a))
    application = application_submit(application=application, acting_user=user)
    application_start_screening(application=application, acting_user=zone_officer)
    application_request_info(application=application, acting_user=zone_officer, message="계획 보완 요청")
    application.refresh_from_db()
    application = fill(application, user, plan="보완한 계획", upload=False)
    return application_submit(application=application, acting_user=user)


def test_change_page_shows_revisions_with_changes_documents_messages_and_history(client, zone_officer, resubmitted):
    client.force_login(zone_officer)
    response = client.get(reverse("admin:programs_application_change", args=[resubmitted.pk]), **EN)

    assert response.status_code == 200
    content = response.content.decode()
    assert "보완한 계획" in content  # revision 2's change from revision 1
    assert "First submission" in content
    assert "계획 보완 요청" in content  # the office's message
    assert reverse("programs:document_download", args=[resubmitted.documents.get().pk]) in content
    assert "Information requested" in content  # the status history
    assert reverse("admin:programs_application_write", args=[resubmitted.pk]) in content


@pytest.mark.parametrize("screening_started", [True, False], ids=["in screening", "just submitted"])
def test_office_requests_information_from_the_write_page(client, zone_officer, zone_a, screening_started):
    application, user = complete_draft(call=call_with_form(zone=zone_a))
    application = application_submit(application=application, acting_user=user)
    if screening_started:
        application_start_screening(application=application, acting_user=zone_officer)
    client.force_login(zone_officer)
    url = reverse("admin:programs_application_write", args=[application.pk])

    page = client.get(url, **EN)
    assert page.status_code == 200
    assert page.context["form"].initial["kind"] == "info_request"

    response = client.post(url, {"kind": "info_request", "body": "매출 증빙을 추가해 주세요.", "due_on": ""})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert application.messages.get().body == "매출 증빙을 추가해 주세요."
    assert list(application.transitions.order_by("at", "pk").values_list("to_status", flat=True)) == [
        "submitted",
        "screening",
        "info_requested",
    ]


def test_a_refused_request_comes_back_as_a_form_error(client, zone_officer, zone_a):
    application = f.ApplicationFactory(
        call=f.CallFactory(program=f.ProgramFactory(zone=zone_a)), status=Status.UNDER_REVIEW
    )
    client.force_login(zone_officer)
    url = reverse("admin:programs_application_write", args=[application.pk])

    response = client.post(url, {"kind": "info_request", "body": "보완"}, **EN)

    assert response.status_code == 200
    assert "cannot become" in response.content.decode()
    message = client.post(url, {"kind": "message", "body": "접수 확인 안내"})
    assert message.status_code == 302
    assert application.messages.get().from_office


def test_officers_of_other_zones_cannot_write_about_the_application(client, zone_b, zone_a):
    application = f.ApplicationFactory(call=f.CallFactory(program=f.ProgramFactory(zone=zone_a)))
    stranger = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone_b, user=stranger)
    grant(stranger, "view_application", "change_application")
    client.force_login(stranger)
    assert client.get(reverse("admin:programs_application_write", args=[application.pk])).status_code == 404


def test_actions_start_screening_and_request_information(client, zone_officer, zone_a):
    call = f.CallFactory(program=f.ProgramFactory(zone=zone_a))
    submitted = f.ApplicationFactory.create_batch(2, call=call)
    draft = f.ApplicationFactory(call=call, status=Status.DRAFT, submitted_at=None)
    client.force_login(zone_officer)
    changelist = reverse("admin:programs_application_changelist")

    client.post(
        changelist, {"action": "start_screening", "_selected_action": [a.pk for a in [*submitted, draft]]}, follow=True
    )
    assert sorted(Application.objects.values_list("status", flat=True)) == ["draft", "screening", "screening"]

    client.post(changelist, {"action": "request_information", "_selected_action": [a.pk for a in submitted]})
    for application in submitted:
        application.refresh_from_db()
        assert application.status == Status.INFO_REQUESTED
        assert application.messages.get().kind == "info_request"
