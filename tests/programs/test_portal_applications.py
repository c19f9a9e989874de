"""A company applies through the portal with the test client: start, each step, uploads, review, submit,
a request for information answered by a resubmission, withdrawal; nothing typed is lost."""

import pytest
from django.urls import reverse

from programs.models import Application, ApplicationDocument
from programs.services.applications import application_request_info, application_start_screening
from tests import factories as f
from tests.programs.test_portal_support import (
    PASSWORD,
    PDF,
    call_with_form,
    close,
    complete_draft,
    member_of,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
Status = Application.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def edit(application, step):
    return reverse("programs:application_edit", args=[application.pk, step])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def call():
    return call_with_form()


@pytest.fixture
def company():
    return f.CompanyFactory(name_ko="주식회사 비전랩")


@pytest.fixture
def user(company):
    return member_of(company)


@pytest.fixture
def portal(client, user):
    client.force_login(user)
    return client


def start(portal, call) -> Application:
    response = portal.post(reverse("programs:application_start", args=[call.pk]))
    application = Application.objects.get(call=call)
    assert response.status_code == 302
    assert response["Location"] == edit(application, 0)
    return application


def test_start_save_each_step_upload_review_and_submit(portal, call, company, user, django_capture_on_commit_callbacks):
    application = start(portal, call)
    assert (application.company, application.status) == (company, Status.DRAFT)

    # Step 0, the basics: "Save and next" goes to the call's first section.
    response = portal.post(
        edit(application, 0),
        {
            "title": "한국어 음성 인식 모델",
            "summary": "콜센터 상담 음성 인식",
            "requested_gpu_hours": "1200",
            "action": "next",
        },
    )
    assert response["Location"] == edit(application, 1)
    application.refresh_from_db()
    assert (application.title, application.requested_gpu_hours, application.current_step) == (
        "한국어 음성 인식 모델",
        1200,
        1,
    )

    # Step 1: "Save draft" stays on the page and says so.
    response = portal.post(
        edit(application, 1), {"plan": "H100 200시간", "has_partner": "no", "action": "save"}, follow=True, **EN
    )
    assert response.redirect_chain[-1][0] == edit(application, 1)
    assert "Draft saved." in messages_of(response)
    assert Application.objects.get(pk=application.pk).answers == {"plan": "H100 200시간", "has_partner": "no"}

    # Step 2: the business plan, a real PDF, through a multipart form.
    page = portal.get(edit(application, 2))
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = portal.post(edit(application, 2), {"business_plan": pdf_upload(), "action": "next"})
    assert response["Location"] == edit(application, 3)
    document = ApplicationDocument.objects.get(application=application)
    assert (document.original_name, document.content_type, document.size) == (
        "사업계획서.pdf",
        "application/pdf",
        len(PDF),
    )
    page = portal.get(edit(application, 2)).content.decode()
    assert "사업계획서.pdf" in page
    assert reverse("programs:document_remove", args=[document.pk]) in page

    # The review lists the answers and nothing missing.
    review = portal.get(edit(application, 3), **EN)
    assert review.context["missing"] == []
    content = review.content.decode()
    assert "H100 200시간" in content and "사업계획서.pdf" in content and "한국어 음성 인식 모델" in content
    assert "Submit application" in content

    with django_capture_on_commit_callbacks(execute=True):
        response = portal.post(reverse("programs:application_submit", args=[application.pk]), follow=True, **EN)
    assert response.redirect_chain[-1][0] == reverse("programs:application_detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.revisions.get().documents.get() == document
    content = response.content.decode()
    assert "Your application was submitted." in content
    assert "Revision 1" in content

    download = portal.get(reverse("programs:document_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"

    # Submitted: the form is closed to changes.
    assert portal.get(edit(application, 1))["Location"] == reverse("programs:application_detail", args=[application.pk])


def test_invalid_input_comes_back_with_the_values_and_the_errors_beside_the_fields(portal, call):
    application = start(portal, call)
    response = portal.post(
        edit(application, 0),
        {"title": "제목은 남는다", "summary": "요약도 남는다", "requested_gpu_hours": "많이", "action": "next"},
        **EN,
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "제목은 남는다" in content and "요약도 남는다" in content and 'value="많이"' in content
    assert "is-invalid" in content  # the field itself is marked, its error text beside it
    assert 'id="error-summary"' in content
    assert "Nothing was saved yet" in content
    application.refresh_from_db()
    assert application.title != "제목은 남는다"


def test_a_question_shown_only_for_an_answer_is_decided_by_the_server(portal, call):
    application = start(portal, call)

    without_partner = portal.post(edit(application, 1), {"plan": "계획", "has_partner": "no", "action": "next"})
    assert without_partner.status_code == 302

    with_partner = portal.post(edit(application, 1), {"plan": "계획", "has_partner": "yes", "action": "next"}, **EN)
    assert with_partner.status_code == 200
    assert with_partner.context["form"].errors.keys() == {"partner_name"}

    named = portal.post(
        edit(application, 1), {"plan": "계획", "has_partner": "yes", "partner_name": "KAIST", "action": "next"}
    )
    assert named.status_code == 302
    assert Application.objects.get(pk=application.pk).answers["partner_name"] == "KAIST"


def test_the_conditional_question_carries_the_attributes_the_script_reads(portal, call):
    application = start(portal, call)
    content = portal.get(edit(application, 1)).content.decode()
    assert 'data-show-if="has_partner"' in content
    assert "data-show-if-values=" in content
    assert "js/portal-form.js" in content


def test_a_draft_survives_logout(client, call, company):
    user = member_of(company)
    application, _user = complete_draft(call=call, user=user, company=company)
    assert client.login(username=user.username, password=PASSWORD)
    client.post(
        edit(application, 1),
        {"plan": "로그아웃 전에 쓴 계획", "has_partner": "yes", "partner_name": "ETRI", "action": "save"},
    )

    client.post(reverse("account_logout"))
    assert client.get(edit(application, 1))["Location"].startswith(reverse("account_login"))
    assert client.login(username=user.username, password=PASSWORD)

    content = client.get(edit(application, 1)).content.decode()
    assert "로그아웃 전에 쓴 계획" in content
    assert 'value="ETRI"' in content


def test_continue_opens_the_step_left_off(portal, call):
    application = start(portal, call)
    portal.post(edit(application, 0), {"title": "t", "summary": "", "requested_gpu_hours": "10", "action": "next"})
    response = portal.get(reverse("programs:application_edit", args=[application.pk]))
    assert response["Location"] == edit(application, 1)


def test_late_submission_is_refused_with_a_message(portal, call, company, user):
    application, _user = complete_draft(call=call, user=user, company=company)
    close(call)

    review = portal.get(edit(application, 3), **EN).content.decode()
    assert "late submissions are not accepted" in review
    assert "disabled" in review

    response = portal.post(reverse("programs:application_submit", args=[application.pk]), follow=True, **EN)
    assert any("late submissions are not accepted" in m for m in messages_of(response))
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_incomplete_submission_is_refused_listing_what_is_missing(portal, call):
    application = start(portal, call)
    response = portal.post(reverse("programs:application_submit", args=[application.pk]), follow=True, **EN)

    assert response.redirect_chain[-1][0] == edit(application, 3)
    message = " ".join(messages_of(response))
    assert "not complete" in message
    for item in ("How you will use the compute", "Business plan"):
        assert item in message
        assert item in str(response.context["missing"])
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_removing_a_document_makes_it_missing_again(portal, call, company, user):
    application, _user = complete_draft(call=call, user=user, company=company)
    document = application.documents.get()

    response = portal.post(reverse("programs:document_remove", args=[document.pk]), {"step": "2"})

    assert response["Location"] == edit(application, 2)
    document.refresh_from_db()
    assert document.removed_at is not None
    assert portal.get(edit(application, 3), **EN).context["missing"] == ["Documents: Business plan"]


def test_info_request_edit_and_resubmit_creates_revision_two_with_the_change_shown(portal, call, company, user):
    application, _user = complete_draft(call=call, user=user, company=company)
    portal.post(reverse("programs:application_submit", args=[application.pk]))
    officer = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=call.program.zone, user=officer)
    application_start_screening(application=application, acting_user=officer)
    application_request_info(application=application, acting_user=officer, message="활용 계획을 구체적으로 써 주세요.")

    detail = portal.get(reverse("programs:application_detail", args=[application.pk]), **EN).content.decode()
    assert "활용 계획을 구체적으로 써 주세요." in detail
    assert "Edit and resubmit" in detail

    portal.post(edit(application, 1), {"plan": "월별 일정과 400시간", "has_partner": "no", "action": "next"})
    portal.post(
        reverse("programs:application_reply", args=[application.pk]), {"body": "계획을 보완했습니다."}, follow=True
    )
    response = portal.post(reverse("programs:application_submit", args=[application.pk]), follow=True, **EN)

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    second = application.revisions.get(number=2)
    assert application.messages.filter(kind="response", body="계획을 보완했습니다.").exists()
    assert "Revision 2" in response.content.decode()

    page = portal.get(reverse("programs:revision_detail", args=[second.pk]), **EN)
    assert page.status_code == 200
    assert (
        "How you will use the compute",
        "H100 200시간으로 한국어 음성 모델 학습",
        "월별 일정과 400시간",
    ) in page.context["changes"]
    assert "월별 일정과 400시간" in page.content.decode()


def test_withdraw_asks_for_confirmation_then_withdraws(portal, call, company, user):
    application, _user = complete_draft(call=call, user=user, company=company)
    detail = reverse("programs:application_detail", args=[application.pk])
    withdraw = reverse("programs:application_withdraw", args=[application.pk])
    assert withdraw in portal.get(detail).content.decode()

    confirmation = portal.get(withdraw, **EN)
    assert confirmation.status_code == 200
    assert "Withdraw this application?" in confirmation.content.decode()
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT

    response = portal.post(withdraw, {"comment": "일정 변경"}, follow=True, **EN)
    assert "Your application was withdrawn." in messages_of(response)
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.transitions.get().comment == "일정 변경"
    assert withdraw not in response.content.decode()


@pytest.mark.parametrize("status", [Status.APPROVED, Status.REJECTED, Status.WITHDRAWN])
def test_withdraw_is_refused_after_a_decision(portal, company, status):
    application = f.ApplicationFactory(company=company, status=status)
    withdraw = reverse("programs:application_withdraw", args=[application.pk])

    assert withdraw not in portal.get(reverse("programs:application_detail", args=[application.pk])).content.decode()
    response = portal.post(withdraw, follow=True, **EN)
    assert any("cannot become" in m for m in messages_of(response))
    assert Application.objects.get(pk=application.pk).status == status


def test_starting_again_opens_the_existing_application(portal, call, company, user):
    first = start(portal, call)
    portal.post(reverse("programs:application_start", args=[call.pk]))
    assert Application.objects.filter(call=call, company=company).get() == first


def test_start_on_a_closed_call_is_refused_with_a_message(portal):
    call = call_with_form()
    close(call)
    response = portal.post(reverse("programs:application_start", args=[call.pk]), follow=True, **EN)
    assert response.redirect_chain[-1][0] == reverse("programs:call_detail", args=[call.pk])
    assert "This call is not open for applications." in messages_of(response)
    assert not Application.objects.exists()


def test_application_list_shows_each_application_with_its_status(portal, company):
    draft = f.ApplicationFactory(company=company, status=Status.DRAFT, submitted_at=None, title="초안 신청")
    asked = f.ApplicationFactory(company=company, status=Status.INFO_REQUESTED, title="보완 요청 신청")
    f.ApplicationFactory(title="남의 신청")

    content = portal.get(reverse("programs:application_list"), **EN).content.decode()

    assert "초안 신청" in content and "보완 요청 신청" in content
    assert "남의 신청" not in content
    assert "Information requested" in content and "Draft" in content
    assert reverse("programs:application_edit", args=[draft.pk]) in content
    assert reverse("programs:application_detail", args=[asked.pk]) in content


def test_messages_and_the_timeline_are_on_the_detail_page(portal, company, user):
    application = f.ApplicationFactory(company=company, status=Status.SUBMITTED)
    response = portal.post(
        reverse("programs:application_reply", args=[application.pk]), {"body": "심사 일정이 궁금합니다."}, follow=True
    )
    assert "심사 일정이 궁금합니다." in response.content.decode()
    empty = portal.post(reverse("programs:application_reply", args=[application.pk]), {"body": ""}, follow=True, **EN)
    assert "Write a message first." in messages_of(empty)
