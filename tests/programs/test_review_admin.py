"""The review screens of the admin: ranking page, reviewer assignment, and what a reviewer sees and does."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from programs.models import Application, Review, Screening
from tests import factories as f
from tests.programs.builders import scored_review
from tests.programs.conftest import grant
from zones.models import ZoneStaff

Status = Application.Status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def call(zone_a):
    return f.CallFactory(program=f.ProgramFactory(zone=zone_a), pass_score=Decimal("70"), awards_planned=1)


@pytest.fixture
def criteria(call):
    return [
        f.RubricCriterionFactory(call=call, order=0, name_ko="기술성", weight=60, max_score=100, pass_score=60),
        f.RubricCriterionFactory(call=call, order=1, name_ko="사업성", weight=40, max_score=50, pass_score=30),
    ]


def make_reviewer(zone, username=None):
    user = f.StaffUserFactory(**({"username": username} if username else {}))
    f.ZoneStaffFactory(zone=zone, user=user, role=ZoneStaff.Role.REVIEWER)
    grant(user, "view_review", "change_review", "view_reviewscore", "change_reviewscore", "view_call")
    return user


@pytest.fixture
def reviewer(zone_a):
    return make_reviewer(zone_a, "reviewer-a")


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def add_ranked(call, criteria, n: int, reviewer=None):
    for i in range(n):
        application = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
        scored_review(application, criteria, (60 + i % 40, 30), reviewer=reviewer or f.StaffUserFactory())
        scored_review(application, criteria, (80, 40))


# --- the ranking page ------------------------------------------------------------------------------


def test_ranking_page_shows_the_figures(officer_client, call, criteria, officer):
    officer_client.cookies["django_language"] = "en"  # the messages are checked in English
    application = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW, company__name_ko="비전랩")
    scored_review(application, criteria, (80, 40))
    scored_review(application, criteria, (70, 30))
    Screening.objects.create(application=application, eligible=True, screened_by=officer, screened_at=call.opens_at)
    f.ApplicationFactory(call=call, status=Status.APPROVED)
    f.ApplicationFactory(call=call, status=Status.REJECTED)

    response = officer_client.get(reverse("admin:programs_call_ranking", args=[call.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "비전랩" in page and "73.0" in page and "14.0" in page
    assert "기술성" in page and "사업성" in page and "Eligible" in page
    assert '<strong id="competition-ratio">3.0 : 1</strong>' in page
    assert response.context["rows"][0]["rank"] == 1
    assert response.context["rows"][0]["passed"] is True


def test_ranking_is_linked_from_the_call(officer_client, call):
    link = reverse("admin:programs_call_ranking", args=[call.pk])
    assert link in officer_client.get(reverse("admin:programs_call_change", args=[call.pk])).content.decode()
    assert link in officer_client.get(reverse("admin:programs_call_changelist")).content.decode()


def test_ranking_page_query_count_does_not_grow_with_rows(officer_client, call, criteria):
    url = reverse("admin:programs_call_ranking", args=[call.pk])
    add_ranked(call, criteria, 1)
    officer_client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert officer_client.get(url).status_code == 200
    add_ranked(call, criteria, 20)
    with CaptureQueriesContext(connection) as many:
        response = officer_client.get(url)
    assert len(response.context["rows"]) == 21
    assert len(many) == len(one)


def test_ranking_of_another_zones_call_is_404(officer_client, zone_b):
    other = f.CallFactory(program=f.ProgramFactory(zone=zone_b))
    assert officer_client.get(reverse("admin:programs_call_ranking", args=[other.pk])).status_code == 404


def test_reviewer_cannot_open_the_ranking(reviewer_client, call):
    assert reviewer_client.get(reverse("admin:programs_call_ranking", args=[call.pk])).status_code == 403


# --- bulk assignment -----------------------------------------------------------------------------------


def test_call_action_assigns_the_zones_reviewers(officer_client, call, zone_a, zone_b, reviewer):
    officer_client.cookies["django_language"] = "en"  # the messages are checked in English
    second = make_reviewer(zone_a)
    make_reviewer(zone_b)  # another zone's: not assigned
    plain = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    own_company = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    f.CompanyMemberFactory(company=own_company.company, user=second)

    response = officer_client.post(
        reverse("admin:programs_call_changelist"),
        {"action": "assign_zone_reviewers", ACTION_CHECKBOX_NAME: [call.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Review.objects.values_list("application_id", "reviewer_id")) == {
        (plain.pk, reviewer.pk),
        (plain.pk, second.pk),
        (own_company.pk, reviewer.pk),
    }
    assert "3 reviews assigned (1 skipped" in response.content.decode()


# --- the reviewer ---------------------------------------------------------------------------------------


@pytest.fixture
def assigned(call, criteria, reviewer):
    return f.ReviewFactory(application=f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW), reviewer=reviewer)


@pytest.fixture
def someone_elses(call, criteria, zone_a):
    application = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    return scored_review(application, criteria, (80, 40), reviewer=make_reviewer(zone_a))


def test_reviewer_sees_only_assigned_reviews(reviewer_client, assigned, someone_elses):
    response = reviewer_client.get(reverse("admin:programs_review_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [assigned]


def test_reviewer_gets_404_on_unassigned_review(reviewer_client, assigned, someone_elses):
    for name in ("change", "score", "conflict"):
        url = reverse(f"admin:programs_review_{name}", args=[someone_elses.pk])
        assert reviewer_client.get(url).status_code == 404
    score = someone_elses.scores.first()
    assert reviewer_client.get(reverse("admin:programs_reviewscore_change", args=[score.pk])).status_code == 404
    scores = reviewer_client.get(reverse("admin:programs_reviewscore_changelist")).context["cl"].result_list
    assert score not in list(scores)


def test_reviewer_sees_own_review_read_only_with_tools(reviewer_client, assigned):
    response = reviewer_client.get(reverse("admin:programs_review_change", args=[assigned.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("admin:programs_review_score", args=[assigned.pk]) in page
    assert reverse("admin:programs_review_conflict", args=[assigned.pk]) in page
    # The raw form is never posted by a reviewer: scores go through the scoring page.
    post = reviewer_client.post(reverse("admin:programs_review_change", args=[assigned.pk]), {"comment": "x"})
    assert post.status_code == 403


def test_reviewer_scores_and_submits(reviewer_client, assigned, criteria):
    reviewer_client.cookies["django_language"] = "en"  # the messages are checked in English
    url = reverse("admin:programs_review_score", args=[assigned.pk])
    page = reviewer_client.get(url)
    assert page.status_code == 200 and "기술성" in page.content.decode()
    data = {f"criterion_{criteria[0].pk}": "80", f"criterion_{criteria[1].pk}": "40", "comment": "우수한 기술력"}

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.submitted_at is not None and assigned.comment == "우수한 기술력"
    assert sorted(assigned.scores.values_list("score", flat=True)) == [40, 80]
    again = reviewer_client.post(url, data)
    assert again.status_code == 200 and "already submitted" in again.content.decode()


def test_scoring_form_refuses_a_score_above_the_maximum(reviewer_client, assigned, criteria):
    url = reverse("admin:programs_review_score", args=[assigned.pk])
    response = reviewer_client.post(url, {f"criterion_{criteria[0].pk}": "80", f"criterion_{criteria[1].pk}": "51"})
    assert response.status_code == 200
    assigned.refresh_from_db()
    assert assigned.submitted_at is None and not assigned.scores.exists()


def test_reviewer_declares_a_conflict(reviewer_client, assigned):
    url = reverse("admin:programs_review_conflict", args=[assigned.pk])
    response = reviewer_client.post(url, {"reason": "신청기업 대표와 공동연구"})
    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.conflict_of_interest and assigned.conflict_reason == "신청기업 대표와 공동연구"
    score = reviewer_client.get(reverse("admin:programs_review_score", args=[assigned.pk]))
    assert score.status_code == 200
    blocked = reviewer_client.post(reverse("admin:programs_review_score", args=[assigned.pk]), {})
    assert blocked.status_code == 200 and not assigned.scores.exists()


def test_officer_still_sees_every_review_of_the_zone(officer_client, assigned, someone_elses):
    response = officer_client.get(reverse("admin:programs_review_changelist"))
    assert set(response.context["cl"].result_list) == {assigned, someone_elses}


def test_screening_admin_lists_the_zones_screenings(officer_client, call, officer, zone_b):
    mine = f.ApplicationFactory(call=call, status=Status.SCREENING)
    Screening.objects.create(
        application=mine, eligible=False, reason="서류 미비", screened_by=officer, screened_at=call.opens_at
    )
    other = f.ApplicationFactory(call=f.CallFactory(program=f.ProgramFactory(zone=zone_b)), status=Status.SCREENING)
    Screening.objects.create(application=other, eligible=True, screened_by=officer, screened_at=call.opens_at)
    grant(officer, "view_screening")
    response = officer_client.get(reverse("admin:programs_screening_changelist"))
    assert response.status_code == 200
    assert [s.application for s in response.context["cl"].result_list] == [mine]


def test_screening_changelist_query_count_does_not_grow_with_rows(admin_client):
    url = reverse("admin:programs_screening_changelist")
    f.ScreeningFactory(eligible=False, reason="서류 미비")
    admin_client.get(url)  # warm the per-process caches
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    f.ScreeningFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 11
    assert len(many) == len(one)


def test_screening_pages_render_read_only(admin_client):
    screening = f.ScreeningFactory(eligible=False, reason="서류 미비")
    assert admin_client.get(reverse("admin:programs_screening_change", args=[screening.pk])).status_code == 200
    assert admin_client.get(reverse("admin:programs_screening_history", args=[screening.pk])).status_code == 200
    assert admin_client.get(reverse("admin:programs_screening_add")).status_code == 403


def test_submitted_review_is_locked_for_the_office_too(officer_client, someone_elses, assigned):
    score = someone_elses.scores.first()
    change = reverse("admin:programs_review_change", args=[someone_elses.pk])
    assert officer_client.get(change).status_code == 200
    assert officer_client.post(change, {"comment": "수정"}).status_code == 403
    score_url = reverse("admin:programs_reviewscore_change", args=[score.pk])
    assert officer_client.post(score_url, {"review": someone_elses.pk, "criterion": score.criterion_id, "score": 1})
    score.refresh_from_db()
    assert score.score == 80
    # An open review is still the office's to correct (its reviewer, say) before scoring starts.
    assert officer_client.get(reverse("admin:programs_review_change", args=[assigned.pk])).context[
        "has_change_permission"
    ]
