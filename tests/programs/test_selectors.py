import pytest
from django.contrib.auth.models import AnonymousUser

from programs.selectors import trainee_list
from tests import factories as f

pytestmark = pytest.mark.django_db


def enrol(trainee, zone, **kwargs):
    return f.EnrolmentFactory(
        trainee=trainee, cohort=f.CohortFactory(training_program=f.TrainingProgramFactory(zone=zone)), **kwargs
    )


def test_zone_officer_sees_only_trainees_enrolled_in_their_zones_each_once(officer, zone_a, zone_b):
    in_a, in_b, in_both = f.TraineeFactory.create_batch(3)
    enrol(in_a, zone_a)
    enrol(in_a, zone_a)  # two cohorts in zone A: still one row
    enrol(in_b, zone_b)
    enrol(in_both, zone_a)
    enrol(in_both, zone_b)
    f.TraineeFactory()  # enrolled nowhere

    visible = trainee_list(user=officer)

    assert sorted(visible.values_list("pk", flat=True)) == sorted([in_a.pk, in_both.pk])
    assert "DISTINCT" not in str(visible.query)


def test_superuser_sees_every_trainee(superuser):
    trainees = f.TraineeFactory.create_batch(2)

    assert set(trainee_list(user=superuser)) == set(trainees)


def test_anonymous_user_sees_no_trainee(db):
    enrol(f.TraineeFactory(), f.ZoneFactory())

    assert not trainee_list(user=AnonymousUser()).exists()
