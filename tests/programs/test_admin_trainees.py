"""Trainees are people: lists show masked names and no contact details; only the change page shows all."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

FULL_NAME, MASKED, EMAIL, PHONE = "김철용", "김*용", "cheolyong.kim@example.kr", "010-1234-5678"


@pytest.fixture
def trainee(db):
    return f.TraineeFactory(full_name=FULL_NAME, email=EMAIL, phone=PHONE)


def enrol(trainee, zone, **kwargs):
    return f.EnrolmentFactory(
        trainee=trainee, cohort=f.CohortFactory(training_program=f.TrainingProgramFactory(zone=zone)), **kwargs
    )


def test_trainee_list_shows_the_masked_name_and_no_contact_details(admin_client, trainee):
    content = admin_client.get(reverse("admin:programs_trainee_changelist")).content.decode()

    assert MASKED in content
    assert FULL_NAME not in content
    assert EMAIL not in content
    assert PHONE not in content


def test_trainee_search_by_full_name_finds_the_trainee_and_shows_the_masked_name(admin_client, trainee):
    f.TraineeFactory(full_name="이영희")

    response = admin_client.get(reverse("admin:programs_trainee_changelist"), {"q": FULL_NAME})

    assert [row.pk for row in response.context["cl"].result_list] == [trainee.pk]
    assert MASKED in response.content.decode()
    assert EMAIL not in response.content.decode()


def test_trainee_change_page_shows_the_full_data(admin_client, trainee):
    content = admin_client.get(reverse("admin:programs_trainee_change", args=[trainee.pk])).content.decode()

    assert FULL_NAME in content
    assert EMAIL in content
    assert PHONE in content


def test_enrolment_list_shows_the_masked_trainee_name(admin_client, trainee):
    enrol(trainee, f.ZoneFactory())

    content = admin_client.get(reverse("admin:programs_enrolment_changelist")).content.decode()

    assert MASKED in content
    assert FULL_NAME not in content
    assert EMAIL not in content


def test_enrolment_search_by_trainee_full_name(admin_client, trainee):
    enrolment = enrol(trainee, f.ZoneFactory())
    enrol(f.TraineeFactory(full_name="이영희"), f.ZoneFactory())

    response = admin_client.get(reverse("admin:programs_enrolment_changelist"), {"q": FULL_NAME})

    assert [row.pk for row in response.context["cl"].result_list] == [enrolment.pk]


def test_trainee_lookup_for_an_enrolment_answers_with_masked_names(admin_client, trainee):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programs", "model_name": "enrolment", "field_name": "trainee", "term": FULL_NAME},
    )

    assert response.json()["results"] == [{"id": str(trainee.pk), "text": MASKED}]


def test_zone_officer_sees_only_trainees_enrolled_in_their_zone(officer_client, zone_a, zone_b, trainee):
    other = f.TraineeFactory(full_name="박민수")
    enrol(trainee, zone_a)
    enrol(trainee, zone_a)
    enrol(other, zone_b)
    f.TraineeFactory(full_name="최지우")  # enrolled nowhere

    response = officer_client.get(reverse("admin:programs_trainee_changelist"))

    assert [row.pk for row in response.context["cl"].result_list] == [trainee.pk]


def test_zone_officer_cannot_open_a_trainee_of_another_zone(officer_client, zone_b, trainee):
    enrol(trainee, zone_b)

    response = officer_client.get(reverse("admin:programs_trainee_change", args=[trainee.pk]))

    assert response.status_code == 302
    history = officer_client.get(reverse("admin:programs_trainee_history", args=[trainee.pk]))
    assert history.status_code == 404


def test_trainee_page_shows_only_the_officer_zone_enrolments(officer_client, zone_a, zone_b, trainee):
    mine, theirs = enrol(trainee, zone_a), enrol(trainee, zone_b)

    response = officer_client.get(reverse("admin:programs_trainee_change", args=[trainee.pk]))

    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.pk for form in formset.forms] == [mine.pk]
    assert theirs.cohort.training_program.name_ko not in response.content.decode()
