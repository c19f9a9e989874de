"""The application's workflow in the admin: the buttons, the step URL, the approval page and the bulk actions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from programs.models import Application, ComputeAllocation, Program
from tests import factories as f
from tests.programs.conftest import grant

pytestmark = pytest.mark.django_db
Status = Application.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def staff(zone, role="officer"):
    user = f.StaffUserFactory()
    f.ZoneStaffFactory(zone=zone, user=user, role=role)
    grant(user, "view_application", "change_application")
    return user


def application_at(zone, status, kind=Program.Kind.RND_GRANT, **kwargs):
    call = f.CallFactory(program=f.ProgramFactory(zone=zone, kind=kind))
    return f.ApplicationFactory(call=call, status=status, submitted_at=timezone.now(), **kwargs)


def step_url(application):
    return reverse("admin:programs_application_step", args=[application.pk])


def change_url(application):
    return reverse("admin:programs_application_change", args=[application.pk])


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("status", "role", "expected"),
    [
        (Status.SUBMITTED, "officer", ["screening"]),
        (Status.SCREENING, "officer", ["info_requested", "under_review"]),
        (Status.SCREENING, "administrator", ["info_requested", "under_review", "rejected"]),
        (Status.UNDER_REVIEW, "officer", []),
        (Status.UNDER_REVIEW, "administrator", ["approved", "rejected"]),
        (Status.APPROVED, "officer", ["agreement_signed"]),
        (Status.ACTIVE, "officer", ["closed"]),
        (Status.CLOSED, "administrator", []),
    ],
)
def test_the_buttons_are_exactly_the_steps_this_user_may_take(client, zone_a, status, role, expected):
    application = application_at(zone_a, status)
    client.force_login(staff(zone_a, role))

    response = client.get(change_url(application), **EN)

    assert response.status_code == 200
    assert [step for step, _label in response.context["workflow"]["steps"]] == expected
    content = response.content.decode()
    for to in Application.Status.values:
        assert (f'name="to" value="{to}"' in content) == (to in expected)


def test_a_step_is_taken_from_the_button_and_shown_in_the_history(client, zone_a):
    application = application_at(zone_a, Status.SCREENING)
    client.force_login(staff(zone_a))

    response = client.post(
        step_url(application),
        {"to": "under_review", "expected_from": "screening", "comment": "서류 적합"},
        follow=True,
        **EN,
    )

    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW
    assert any("Under review" in text for text in texts(response))
    assert "서류 적합" in response.content.decode()  # the status history inline


def test_a_stale_expected_status_gets_the_conflict_message(client, zone_a):
    application = application_at(zone_a, Status.SCREENING)
    client.force_login(staff(zone_a, "administrator"))

    # The page was loaded while the application was still "submitted"; someone has started screening since.
    response = client.post(step_url(application), {"to": "screening", "expected_from": "submitted"}, follow=True, **EN)

    assert any("Someone else changed" in text for text in texts(response))
    application.refresh_from_db()
    assert application.status == Status.SCREENING
    assert not application.transitions.exists()


def test_a_step_not_allowed_is_refused_with_a_message(client, zone_a):
    application = application_at(zone_a, Status.SUBMITTED)
    client.force_login(staff(zone_a, "administrator"))

    response = client.post(step_url(application), {"to": "closed", "expected_from": "submitted"}, follow=True, **EN)

    assert any("cannot become" in text for text in texts(response))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_officers_of_other_zones_cannot_take_steps(client, zone_a, zone_b):
    application = application_at(zone_a, Status.SUBMITTED)
    client.force_login(staff(zone_b, "administrator"))
    assert client.post(step_url(application), {"to": "screening", "expected_from": "submitted"}).status_code == 404


def test_approving_goes_through_the_approval_page_and_creates_the_outcome(client, zone_a):
    application = application_at(zone_a, Status.UNDER_REVIEW, kind=Program.Kind.COMPUTE, requested_gpu_hours=700)
    client.force_login(staff(zone_a, "administrator"))

    redirect = client.post(
        step_url(application), {"to": "approved", "expected_from": "under_review", "comment": "선정"}
    )
    assert redirect.status_code == 302
    approve_url = redirect["Location"]
    assert approve_url.startswith(reverse("admin:programs_application_approve", args=[application.pk]))

    page = client.get(approve_url, **EN)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["expected_from"] == "under_review"
    assert form.initial["comment"] == "선정"
    assert {"resource", "value_krw", "starts_on", "ends_on"} <= set(form.fields)
    assert "fund" not in form.fields

    response = client.post(
        approve_url,
        {
            "expected_from": "under_review",
            "comment": "선정",
            "resource": "NVIDIA H100",
            "value_krw": "5000000",
            "starts_on": "2026-01-05",
            "ends_on": "2026-03-31",
        },
        follow=True,
        **EN,
    )

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    allocation = ComputeAllocation.objects.get(application=application)
    assert (allocation.gpu_hours, allocation.resource) == (700, "NVIDIA H100")
    assert any("Approved" in text for text in texts(response))


def test_the_approval_page_shows_a_conflict_and_an_officers_refusal(client, zone_a):
    application = application_at(zone_a, Status.UNDER_REVIEW)
    url = reverse("admin:programs_application_approve", args=[application.pk])

    client.force_login(staff(zone_a))
    refused = client.post(url, {"expected_from": "under_review"}, **EN)
    assert "Only a zone administrator" in refused.content.decode()

    client.force_login(staff(zone_a, "administrator"))
    stale = client.post(url, {"expected_from": "screening"}, **EN)
    assert "Someone else changed" in stale.content.decode()
    application.refresh_from_db()
    assert application.status == Status.UNDER_REVIEW


def test_bulk_start_screening_and_move_to_review_report_each_refusal(client, zone_a):
    submitted = [application_at(zone_a, Status.SUBMITTED) for _ in range(2)]
    rejected = application_at(zone_a, Status.REJECTED)
    client.force_login(staff(zone_a))
    changelist = reverse("admin:programs_application_changelist")
    selected = [a.pk for a in [*submitted, rejected]]

    response = client.post(changelist, {"action": "start_screening", "_selected_action": selected}, follow=True, **EN)

    messages = texts(response)
    assert any(str(rejected) in text and "cannot become" in text for text in messages)
    assert any("2 applications in screening" in text for text in messages)
    assert any("1 application was refused" in text for text in messages)

    response = client.post(changelist, {"action": "send_to_review", "_selected_action": selected}, follow=True, **EN)
    assert any("2 applications moved to review" in text for text in texts(response))
    assert sorted(Application.objects.values_list("status", flat=True)) == ["rejected", "under_review", "under_review"]


def test_bulk_reject_asks_the_reason_then_rejects_each_it_may(client, zone_a, zone_b):
    in_review = application_at(zone_a, Status.UNDER_REVIEW)
    screening = application_at(zone_a, Status.SCREENING)
    draft = application_at(zone_a, Status.DRAFT)
    changelist = reverse("admin:programs_application_changelist")
    selected = [in_review.pk, screening.pk, draft.pk]

    client.force_login(staff(zone_a, "administrator"))
    page = client.post(changelist, {"action": "reject_selected", "_selected_action": selected}, **EN)
    assert page.status_code == 200
    assert "reason" in page.context["form"].fields
    assert not Application.objects.filter(status=Status.REJECTED).exists()

    response = client.post(
        changelist,
        {"action": "reject_selected", "_selected_action": selected, "apply": "1", "reason": "예산 소진"},
        follow=True,
        **EN,
    )

    messages = texts(response)
    assert any(str(draft) in text and "cannot become" in text for text in messages)
    assert any("2 applications rejected" in text for text in messages)
    for application, status in ((in_review, "rejected"), (screening, "rejected"), (draft, "draft")):
        application.refresh_from_db()
        assert application.status == status
    assert in_review.transitions.get().comment == "예산 소진"


def test_bulk_reject_by_an_officer_is_refused_per_record(client, zone_a):
    in_review = application_at(zone_a, Status.UNDER_REVIEW)
    client.force_login(staff(zone_a))
    response = client.post(
        reverse("admin:programs_application_changelist"),
        {"action": "reject_selected", "_selected_action": [in_review.pk], "apply": "1", "reason": "미달"},
        follow=True,
        **EN,
    )
    assert any("Only a zone administrator" in text for text in texts(response))
    in_review.refresh_from_db()
    assert in_review.status == Status.UNDER_REVIEW
