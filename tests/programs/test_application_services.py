"""The application workflow's services: every transition the portal and the zone office use, allowed and refused."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from core.exceptions import ApplicationError
from programs.models import Application, ApplicationMessage, ApplicationTransition, Program
from programs.selectors import revision_changes
from programs.services.applications import (
    IncompleteApplicationError,
    application_message_from_office,
    application_remember_step,
    application_reply,
    application_request_info,
    application_start,
    application_start_screening,
    application_submit,
    application_withdraw,
)
from programs.services.forms import application_remove_document
from tests import factories as f
from tests.programs.test_portal_support import call_with_form, close, complete_draft, fill, member_of

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture(autouse=True)
def in_english():
    """Messages are matched in English (msgids); the form's own labels then read in English too."""
    with translation.override("en"):
        yield


def office_of(zone, role="officer"):
    user = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone, user=user, role=role)
    return user


def at_status(status: str, **kwargs) -> tuple[Application, object]:
    """An application already at `status` (built directly: the way there is tested elsewhere), and its member."""
    company = f.CompanyFactory()
    user = member_of(company)
    submitted_at = None if status == Status.DRAFT else timezone.now()
    application = f.ApplicationFactory(company=company, status=status, submitted_at=submitted_at, **kwargs)
    return application, user


# --- start ------------------------------------------------------------------------------------------------


def test_start_creates_a_draft_with_the_calls_form_version():
    call = call_with_form()
    company = f.CompanyFactory()
    user = member_of(company)

    application = application_start(call=call, company=company, acting_user=user)

    assert application.status == Status.DRAFT
    assert application.form_version == call.form_version
    assert application.submitted_at is None
    assert application.title  # a starting title the company changes in the first step


def test_starting_twice_returns_the_same_draft():
    call = call_with_form()
    company = f.CompanyFactory()
    user = member_of(company)

    first = application_start(call=call, company=company, acting_user=user)
    second = application_start(call=call, company=company, acting_user=user)

    assert first.pk == second.pk
    assert Application.objects.filter(call=call, company=company).count() == 1


def test_a_withdrawn_application_does_not_stop_a_new_start():
    call = call_with_form()
    company = f.CompanyFactory()
    user = member_of(company)
    first = application_start(call=call, company=company, acting_user=user)
    application_withdraw(application=first, acting_user=user)

    second = application_start(call=call, company=company, acting_user=user)

    assert second.pk != first.pk
    assert second.status == Status.DRAFT


@pytest.mark.parametrize(
    "window",
    [
        {"opens_at_days": -30, "closes_at_days": -1},  # closed
        {"opens_at_days": 5, "closes_at_days": 30},  # upcoming
    ],
    ids=["closed", "upcoming"],
)
def test_start_is_refused_outside_the_window(window):
    now = timezone.now()
    call = f.CallFactory(
        opens_at=now + dt.timedelta(days=window["opens_at_days"]),
        closes_at=now + dt.timedelta(days=window["closes_at_days"]),
    )
    company = f.CompanyFactory()

    with pytest.raises(ApplicationError, match="not open"):
        application_start(call=call, company=company, acting_user=member_of(company))
    assert not Application.objects.exists()


def test_start_is_refused_for_an_unpublished_call():
    call = f.CallFactory(is_published=False)
    company = f.CompanyFactory()
    with pytest.raises(ApplicationError, match="not open"):
        application_start(call=call, company=company, acting_user=member_of(company))


def test_start_is_refused_to_someone_who_does_not_act_for_the_company():
    call = f.CallFactory()
    with pytest.raises(ApplicationError, match="do not act for"):
        application_start(call=call, company=f.CompanyFactory(), acting_user=member_of())


def test_exemption_call_accepts_only_companies_named_in_the_zone_plan():
    zone = f.ZoneFactory()
    call = f.CallFactory(program=f.ProgramFactory(zone=zone, kind=Program.Kind.EXEMPTION))
    outsider = f.CompanyFactory()
    named = f.CompanyFactory()
    f.PlanOperatorFactory(zone=zone, company=named)

    with pytest.raises(ApplicationError, match="named in the zone plan"):
        application_start(call=call, company=outsider, acting_user=member_of(outsider))
    assert application_start(call=call, company=named, acting_user=member_of(named)).status == Status.DRAFT


# --- submit -----------------------------------------------------------------------------------------------


def test_submit_freezes_revision_one_and_mails_the_members(django_capture_on_commit_callbacks):
    application, user = complete_draft()
    colleague = member_of(application.company)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(application=application, acting_user=user)

    assert submitted.status == Status.SUBMITTED
    assert submitted.submitted_at is not None
    revision = submitted.revisions.get()
    assert revision.number == 1
    assert revision.submitted_by == user
    assert revision.answers["plan"].startswith("H100")
    assert revision.core_fields["requested_gpu_hours"] == 1200
    assert [s["title"]["ko"] for s in revision.form_snapshot["sections"]] == ["사업 계획", "제출 서류"]
    assert [d.question_key for d in revision.documents.all()] == ["business_plan"]
    transition = submitted.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == ("draft", "submitted", user)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {user.email, colleague.email}
    assert "음성 인식 모델 학습" in mail.outbox[0].subject


def test_no_mail_leaves_before_the_transaction_commits(django_capture_on_commit_callbacks):
    application, user = complete_draft()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_submit(application=application, acting_user=user)
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_removed_documents_are_not_in_the_revision():
    application, user = complete_draft()
    old = application.documents.get()
    application_remove_document(application=application, document=old, acting_user=user)
    application = fill(application, user)  # a new business plan

    revision = application_submit(application=application, acting_user=user).revisions.get()

    assert old not in revision.documents.all()
    assert revision.documents.count() == 1


def test_late_submission_is_refused_with_the_closing_time():
    application, user = complete_draft()
    close(application.call)

    with pytest.raises(ApplicationError, match="late submissions are not accepted") as refused:
        application_submit(application=application, acting_user=user)

    closed = timezone.localtime(application.call.closes_at).strftime("%Y-%m-%d %H:%M")
    assert closed in refused.value.message
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.revisions.exists()
    assert not application.transitions.exists()


def test_incomplete_submission_is_refused_listing_what_is_missing():
    call = call_with_form()
    company = f.CompanyFactory()
    user = member_of(company)
    application = fill(application_start(call=call, company=company, acting_user=user), user, upload=False)

    with pytest.raises(IncompleteApplicationError) as refused:
        application_submit(application=application, acting_user=user)

    assert refused.value.missing == ["Documents: Business plan"]
    assert "Documents: Business plan" in refused.value.message
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT


def test_a_fresh_draft_lists_every_required_item():
    call = call_with_form()
    company = f.CompanyFactory()
    user = member_of(company)
    application = application_start(call=call, company=company, acting_user=user)

    with pytest.raises(IncompleteApplicationError) as refused:
        application_submit(application=application, acting_user=user)

    missing = " ".join(refused.value.missing)
    for item in ("GPU", "How you will use the compute", "Do you have a partner?", "Business plan"):
        assert item in missing
    assert "Partner's name" not in missing  # asked only when there is a partner


@pytest.mark.parametrize("status", [s for s in Status if s not in (Status.DRAFT, Status.INFO_REQUESTED)])
def test_only_a_draft_or_an_application_asked_for_information_can_be_submitted(status):
    application, user = at_status(status)
    with pytest.raises(ApplicationError, match="cannot be submitted"):
        application_submit(application=application, acting_user=user)


def test_submit_is_refused_to_another_company():
    application, _user = complete_draft()
    with pytest.raises(ApplicationError, match="do not act for"):
        application_submit(application=application, acting_user=member_of())


# --- information requested, resubmission ------------------------------------------------------------------


def screened(application, user):
    submitted = application_submit(application=application, acting_user=user)
    officer = office_of(submitted.call.program.zone)
    return application_start_screening(application=submitted, acting_user=officer), officer


def test_request_info_reopens_the_application_with_the_request(django_capture_on_commit_callbacks):
    application, user = complete_draft()
    application, officer = screened(application, user)
    due = timezone.localdate() + dt.timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        request = application_request_info(
            application=application, acting_user=officer, message="예산 산출 근거를 보완해 주세요.", due_on=due
        )

    application.refresh_from_db()
    assert application.status == Status.INFO_REQUESTED
    assert (request.kind, request.from_office, request.due_on) == (ApplicationMessage.Kind.INFO_REQUEST, True, due)
    last = application.transitions.order_by("at", "pk").last()
    assert (last.from_status, last.to_status, last.actor) == ("screening", "info_requested", officer)
    assert mail.outbox[-1].to == [user.email]
    assert "예산 산출 근거" in mail.outbox[-1].body


def test_resubmission_creates_revision_two_and_the_diff_shows_the_changed_answer():
    application, user = complete_draft()
    application, officer = screened(application, user)
    application_request_info(application=application, acting_user=officer, message="계획을 구체적으로.")
    application.refresh_from_db()
    close(application.call)  # the office asked: the deadline does not bind a resubmission

    application = fill(application, user, plan="H100 400시간, 월별 일정 포함", upload=False)
    resubmitted = application_submit(application=application, acting_user=user)

    assert resubmitted.status == Status.SUBMITTED
    first, second = resubmitted.revisions.order_by("number")
    assert second.number == 2
    changes = revision_changes(second, first)
    assert (
        "How you will use the compute",
        "H100 200시간으로 한국어 음성 모델 학습",
        "H100 400시간, 월별 일정 포함",
    ) in changes
    assert first.answers["plan"].startswith("H100 200")  # the first revision is kept as it was
    assert resubmitted.transitions.order_by("at", "pk").last().from_status == "info_requested"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.APPROVED])
def test_information_can_be_requested_only_during_screening(status):
    application, _user = at_status(status)
    officer = office_of(application.call.program.zone)
    with pytest.raises(ApplicationError, match="cannot become"):
        application_request_info(application=application, acting_user=officer, message="보완 요청")
    assert not application.messages.exists()


@pytest.mark.parametrize("who", ["reviewer", "other zone", "company member"])
def test_only_the_calls_zone_office_may_request_information(who):
    application, user = at_status(Status.SCREENING)
    zone = application.call.program.zone
    actor = {
        "reviewer": lambda: office_of(zone, role="reviewer"),
        "other zone": lambda: office_of(f.ZoneFactory()),
        "company member": lambda: user,
    }[who]()
    with pytest.raises(ApplicationError, match="zone office"):
        application_request_info(application=application, acting_user=actor, message="보완 요청")
    application.refresh_from_db()
    assert application.status == Status.SCREENING


def test_a_request_for_information_needs_a_message_and_a_future_due_date():
    application, _user = at_status(Status.SCREENING)
    officer = office_of(application.call.program.zone)
    with pytest.raises(ApplicationError, match="what information"):
        application_request_info(application=application, acting_user=officer, message="  ")
    with pytest.raises(ApplicationError, match="past"):
        application_request_info(
            application=application,
            acting_user=officer,
            message="보완",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_screening_starts_only_from_submitted():
    submitted, _user = at_status(Status.SUBMITTED)
    officer = office_of(submitted.call.program.zone)
    assert application_start_screening(application=submitted, acting_user=officer).status == Status.SCREENING

    draft, _user = at_status(Status.DRAFT)
    with pytest.raises(ApplicationError, match="cannot become"):
        application_start_screening(application=draft, acting_user=office_of(draft.call.program.zone))


# --- withdraw ---------------------------------------------------------------------------------------------

BEFORE_DECISION = [Status.DRAFT, Status.SUBMITTED, Status.SCREENING, Status.INFO_REQUESTED, Status.UNDER_REVIEW]
AFTER_DECISION = [Status.APPROVED, Status.REJECTED, Status.AGREEMENT_SIGNED, Status.ACTIVE, Status.CLOSED]


@pytest.mark.parametrize("status", BEFORE_DECISION)
def test_withdraw_is_allowed_before_a_decision(status, django_capture_on_commit_callbacks):
    application, user = at_status(status)

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = application_withdraw(application=application, acting_user=user, comment="사업 일정 변경")

    assert withdrawn.status == Status.WITHDRAWN
    transition = withdrawn.transitions.get()
    assert (transition.from_status, transition.to_status, transition.comment) == (status, "withdrawn", "사업 일정 변경")
    assert mail.outbox[-1].to == [user.email]


@pytest.mark.parametrize("status", [*AFTER_DECISION, Status.WITHDRAWN])
def test_withdraw_is_refused_after_a_decision(status):
    application, user = at_status(status)

    with pytest.raises(ApplicationError, match="cannot become"):
        application_withdraw(application=application, acting_user=user)

    application.refresh_from_db()
    assert application.status == status
    assert not ApplicationTransition.objects.exists()


def test_withdraw_is_refused_to_another_company():
    application, _user = at_status(Status.SUBMITTED)
    with pytest.raises(ApplicationError, match="do not act for"):
        application_withdraw(application=application, acting_user=member_of())


# --- messages ---------------------------------------------------------------------------------------------


def test_reply_is_a_response_while_information_is_requested_and_a_message_otherwise(
    django_capture_on_commit_callbacks,
):
    application, user = at_status(Status.INFO_REQUESTED)
    officer = office_of(application.call.program.zone)
    with django_capture_on_commit_callbacks(execute=True):
        response = application_reply(application=application, acting_user=user, body="보완 자료를 첨부했습니다.")
    assert (response.kind, response.from_office, response.author) == ("response", False, user)
    assert mail.outbox[-1].to == [officer.email]

    other, other_user = at_status(Status.SUBMITTED)
    assert application_reply(application=other, acting_user=other_user, body="문의").kind == "message"


def test_reply_is_refused_when_empty_withdrawn_or_from_another_company():
    application, user = at_status(Status.SUBMITTED)
    with pytest.raises(ApplicationError, match="Write a message"):
        application_reply(application=application, acting_user=user, body=" ")
    with pytest.raises(ApplicationError, match="do not act for"):
        application_reply(application=application, acting_user=member_of(), body="hi")
    withdrawn, withdrawn_user = at_status(Status.WITHDRAWN)
    with pytest.raises(ApplicationError, match="withdrawn"):
        application_reply(application=withdrawn, acting_user=withdrawn_user, body="hi")


def test_office_message_leaves_the_status_alone(django_capture_on_commit_callbacks):
    application, user = at_status(Status.UNDER_REVIEW)
    officer = office_of(application.call.program.zone)
    with django_capture_on_commit_callbacks(execute=True):
        message = application_message_from_office(application=application, acting_user=officer, body="심사 일정 안내")
    assert (message.kind, message.from_office) == ("message", True)
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert mail.outbox[-1].to == [user.email]
    with pytest.raises(ApplicationError, match="zone office"):
        application_message_from_office(application=application, acting_user=user, body="x")


def test_remember_step_keeps_where_the_company_left_off_only_while_editable():
    draft, user = at_status(Status.DRAFT)
    application_remember_step(application=draft, step=2, acting_user=user)
    assert Application.objects.get(pk=draft.pk).current_step == 2

    submitted, user = at_status(Status.SUBMITTED)
    application_remember_step(application=submitted, step=2, acting_user=user)
    assert Application.objects.get(pk=submitted.pk).current_step == 0
