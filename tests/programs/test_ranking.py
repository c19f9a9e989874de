"""A call's ranking, on a worked example: criteria weighted 60/40, three reviewers, one conflict of interest."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import Application
from programs.selectors import call_ranking, criterion_average_key, criterion_passed_key
from tests import factories as f
from tests.programs.builders import scored_review

Status = Application.Status


@pytest.fixture
def call(zone_a):
    return f.CallFactory(program=f.ProgramFactory(zone=zone_a), pass_score=Decimal("70"))


@pytest.fixture
def criteria(call):
    # Technology: 60%, scored out of 100, pass at 60; Business: 40%, scored out of 50, pass at 30.
    return [
        f.RubricCriterionFactory(call=call, order=0, name_ko="기술성", weight=60, max_score=100, pass_score=60),
        f.RubricCriterionFactory(call=call, order=1, name_ko="사업성", weight=40, max_score=50, pass_score=30),
    ]


@pytest.fixture
def reviewers(db):
    return [f.StaffUserFactory() for _ in range(3)]


@pytest.fixture
def example(call, criteria, reviewers):
    r1, r2, r3 = reviewers
    apps = {}
    # A: 80/40 -> 80.0 and 70/30 -> 66.0; r3's conflict (10/10) does not count: 73.0, spread 14.0.
    apps["a"] = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    scored_review(apps["a"], criteria, (80, 40), reviewer=r1)
    scored_review(apps["a"], criteria, (70, 30), reviewer=r2)
    scored_review(apps["a"], criteria, (10, 10), reviewer=r3, conflict_of_interest=True)
    # B: 90/20 -> 70.0 and 56/40 -> 65.6: 67.8, spread 4.4; r3 has not submitted (0/0 does not count).
    apps["b"] = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    scored_review(apps["b"], criteria, (90, 20), reviewer=r1)
    scored_review(apps["b"], criteria, (56, 40), reviewer=r2)
    scored_review(apps["b"], criteria, (0, 0), reviewer=r3, submitted=False)
    # C: one review, 75/35 -> 73.0: ties with A.
    apps["c"] = f.ApplicationFactory(call=call, status=Status.APPROVED)
    scored_review(apps["c"], criteria, (75, 35), reviewer=r1)
    # D: 100/20 -> 76.0: first overall, but fails the business criterion (20 < 30).
    apps["d"] = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    scored_review(apps["d"], criteria, (100, 20), reviewer=r2)
    # E: under review, nothing counted yet: listed last, without rank figures.
    apps["e"] = f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW)
    # Not ranked: still in screening; rejected at screening (no review); archived; another call.
    f.ApplicationFactory(call=call, status=Status.SCREENING)
    f.ApplicationFactory(call=call, status=Status.REJECTED)
    f.ApplicationFactory(call=call, status=Status.UNDER_REVIEW, archived_at=apps["a"].created_at)
    f.ApplicationFactory(status=Status.UNDER_REVIEW)
    return apps


def test_ranking_figures(call, criteria, example):
    rows = {row.pk: row for row in call_ranking(call)}
    a, b, c, d, e = (rows[example[key].pk] for key in "abcde")
    assert len(rows) == 5
    tech, business = criteria

    assert a.average_score == pytest.approx(73.0)
    assert a.spread == pytest.approx(14.0)
    assert a.review_count == 2
    assert getattr(a, criterion_average_key(tech)) == pytest.approx(75.0)
    assert getattr(a, criterion_average_key(business)) == pytest.approx(35.0)
    assert getattr(a, criterion_passed_key(tech)) is True and getattr(a, criterion_passed_key(business)) is True
    assert a.passes_overall is True and a.passed is True

    assert b.average_score == pytest.approx(67.8)
    assert b.spread == pytest.approx(4.4)
    assert b.review_count == 2
    assert getattr(b, criterion_average_key(business)) == pytest.approx(30.0)
    assert getattr(b, criterion_passed_key(business)) is True  # the pass score itself passes
    assert b.passes_overall is False and b.passed is False

    assert c.average_score == pytest.approx(73.0) and c.spread == pytest.approx(0.0) and c.review_count == 1

    assert d.average_score == pytest.approx(76.0)
    assert getattr(d, criterion_passed_key(business)) is False
    assert d.passes_overall is True and d.passed is False

    assert e.average_score is None and e.spread is None and e.review_count == 0
    assert e.passes_overall is None and e.passed is None


def test_ranking_order_and_ties(call, example):
    ranking = [(row.pk, row.rank) for row in call_ranking(call)]
    assert ranking[0] == (example["d"].pk, 1)
    assert {ranking[1], ranking[2]} == {(example["a"].pk, 2), (example["c"].pk, 2)}
    assert ranking[3] == (example["b"].pk, 4)
    assert ranking[4][0] == example["e"].pk  # no average: last


def test_ranking_without_pass_scores(call, criteria, example):
    call.pass_score = None
    call.save()
    criteria[1].pass_score = None
    criteria[1].save()
    rows = {row.pk: row for row in call_ranking(call)}
    d = rows[example["d"].pk]
    assert d.passes_overall is None and getattr(d, criterion_passed_key(criteria[1])) is None
    assert d.passed is True


def test_rejected_after_review_stays_in_the_ranking(call, criteria, example):
    Application.objects.filter(pk=example["b"].pk).update(status=Status.REJECTED)
    assert example["b"].pk in {row.pk for row in call_ranking(call)}


def test_ranking_is_one_query(call, criteria, example):
    with CaptureQueriesContext(connection) as queries:
        list(call_ranking(call, criteria))
    assert len(queries) == 1
