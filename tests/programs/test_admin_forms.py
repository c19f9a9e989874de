"""What the programs admin forms accept and refuse."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.admin.applications import ReviewScoreForm
from programs.admin.calls import RubricCriterionAdminForm
from programs.models import Application, RubricCriterion
from tests import factories as f

pytestmark = pytest.mark.django_db

WEIGHTS_MESSAGE = "The weights of the rubric criteria must add up to 100; now they add up to 80."
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages are checked in English, whatever the Korean catalog says


def call_change_data(call, weights) -> dict:
    """The Call change form as the browser posts it, with one new rubric criterion per weight."""
    opens, closes = timezone.localtime(call.opens_at), timezone.localtime(call.closes_at)
    data = {
        "program": call.program_id,
        "code": call.code,
        "title_ko": call.title_ko,
        "title_en": "",
        "opens_at_0": f"{opens:%Y-%m-%d}",
        "opens_at_1": f"{opens:%H:%M:%S}",
        "closes_at_0": f"{closes:%Y-%m-%d}",
        "closes_at_1": f"{closes:%H:%M:%S}",
        "is_published": "on",
        "eligibility_ko": "",
        "eligibility_en": "",
        "documents_required": "",
        "awards_planned": "10",
        "budget_krw": "0",
        "gpu_hours_available": "0",
        "pass_score": "",
        "criteria-TOTAL_FORMS": str(len(weights)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, weight in enumerate(weights):
        data |= {
            f"criteria-{i}-id": "",
            f"criteria-{i}-call": str(call.pk),
            f"criteria-{i}-order": str(i),
            f"criteria-{i}-name_ko": f"평가항목 {i}",
            f"criteria-{i}-name_en": "",
            f"criteria-{i}-weight": str(weight),
            f"criteria-{i}-max_score": "100",
            f"criteria-{i}-pass_score": "",
        }
    return data


def test_call_admin_refuses_rubric_weights_not_totalling_100(admin_client):
    call = f.CallFactory()

    response = admin_client.post(
        reverse("admin:programs_call_change", args=[call.pk]), call_change_data(call, [50, 30]), **ENGLISH
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [WEIGHTS_MESSAGE]
    assert WEIGHTS_MESSAGE in response.content.decode()
    assert not RubricCriterion.objects.filter(call=call).exists()


def test_call_admin_saves_rubric_weights_totalling_100(admin_client):
    call = f.CallFactory()

    response = admin_client.post(
        reverse("admin:programs_call_change", args=[call.pk]), call_change_data(call, [60, 40])
    )

    assert response.status_code == 302
    assert sorted(call.criteria.values_list("weight", flat=True)) == [40, 60]


def test_call_admin_saves_a_call_without_rubric_yet(admin_client):
    call = f.CallFactory()

    response = admin_client.post(reverse("admin:programs_call_change", args=[call.pk]), call_change_data(call, []))

    assert response.status_code == 302


def test_single_criterion_form_keeps_the_call_total_at_100():
    call = f.CallFactory()
    f.RubricCriterionFactory(call=call, weight=60)
    data = {"call": call.pk, "order": 1, "name_ko": "사업성", "weight": 30, "max_score": 100}

    form = RubricCriterionAdminForm(data=data)

    assert not form.is_valid()
    [error] = form.errors.as_data()["weight"]
    assert (error.code, error.params) == ("rubric_weights", {"total": 90})
    assert RubricCriterionAdminForm(data=data | {"weight": 40}).is_valid()


def test_score_above_the_criterion_maximum_is_refused():
    review = f.ReviewFactory()
    criterion = f.RubricCriterionFactory(call=review.application.call, max_score=10, pass_score=None)

    form = ReviewScoreForm(data={"review": review.pk, "criterion": criterion.pk, "score": 11})

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["score"]] == ["score_above_maximum"]


def test_score_on_another_call_criterion_is_refused():
    review = f.ReviewFactory()
    other_call_criterion = f.RubricCriterionFactory()

    form = ReviewScoreForm(data={"review": review.pk, "criterion": other_call_criterion.pk, "score": 50})

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["criterion"]] == ["criterion_other_call"]


def test_application_page_shows_allowed_next_statuses_and_status_read_only(admin_client):
    application = f.ApplicationFactory(status=Application.Status.SCREENING)

    response = admin_client.get(reverse("admin:programs_application_change", args=[application.pk]), **ENGLISH)

    assert "status" not in response.context["adminform"].form.fields
    assert "Information requested, Under review, Rejected, Withdrawn" in response.content.decode()


def test_application_status_cannot_be_changed_by_posting_it(admin_client):
    application = f.ApplicationFactory(status=Application.Status.SUBMITTED)
    url = reverse("admin:programs_application_change", args=[application.pk])
    data = {
        "call": application.call_id,
        "company": application.company_id,
        "title": application.title,
        "summary": "",
        "requested_amount_krw": "0",
        "requested_gpu_hours": "1000",
        "special_case": "",
        "cohort": "",
        "status": Application.Status.APPROVED,
        "reviews-TOTAL_FORMS": "0",
        "reviews-INITIAL_FORMS": "0",
        "reviews-MIN_NUM_FORMS": "0",
        "reviews-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
