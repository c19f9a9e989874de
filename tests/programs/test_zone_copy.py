"""Applications and enrolments carry their zone (the call's, the cohort's): set when they are made, and moved with
the call, program, cohort or training program they belong to. Every zone list, filter and scope reads it."""

import pytest
from django.urls import reverse

from programs.models import Application, Enrolment
from tests import factories as f

pytestmark = pytest.mark.django_db


def zone_of(row) -> int:
    return type(row).objects.values_list("zone_id", flat=True).get(pk=row.pk)


def test_an_application_takes_its_calls_zone():
    call = f.CallFactory()

    application = f.ApplicationFactory(call=call)
    # Made with the call's id alone, as a form or an import makes it.
    by_id = Application.objects.create(
        call_id=call.pk, company=f.CompanyFactory(), title="아이디로", status=Application.Status.DRAFT
    )

    assert zone_of(application) == zone_of(by_id) == call.program.zone_id


def test_an_application_moved_to_another_call_moves_to_its_zone():
    application = f.ApplicationFactory()
    other_call = f.CallFactory()
    assert other_call.program.zone_id != zone_of(application)

    application = Application.objects.get(pk=application.pk)
    application.call = other_call
    application.save(update_fields=["call"])

    assert zone_of(application) == other_call.program.zone_id


def test_a_call_moved_to_another_program_moves_its_applications():
    call = f.CallFactory()
    applications = f.ApplicationFactory.create_batch(2, call=call)
    elsewhere = f.ProgramFactory()
    untouched = f.ApplicationFactory()

    from programs.models import Call

    call = Call.objects.get(pk=call.pk)
    call.program = elsewhere
    call.save()

    assert {zone_of(a) for a in applications} == {elsewhere.zone_id}
    assert zone_of(untouched) == untouched.call.program.zone_id


def test_a_program_moved_to_another_zone_moves_its_calls_applications():
    application = f.ApplicationFactory()
    new_zone = f.ZoneFactory()

    from programs.models import Program

    program = Program.objects.get(pk=application.call.program_id)
    program.zone = new_zone
    program.save()

    assert zone_of(application) == new_zone.pk


def test_an_enrolment_takes_its_cohorts_zone_and_moves_with_it():
    enrolment = f.EnrolmentFactory()
    assert zone_of(enrolment) == enrolment.cohort.training_program.zone_id

    from programs.models import Cohort, TrainingProgram

    elsewhere = f.TrainingProgramFactory()
    cohort = Cohort.objects.get(pk=enrolment.cohort_id)
    cohort.training_program = elsewhere
    cohort.save()
    assert zone_of(enrolment) == elsewhere.zone_id

    new_zone = f.ZoneFactory()
    program = TrainingProgram.objects.get(pk=elsewhere.pk)
    program.zone = new_zone
    program.save()
    assert zone_of(enrolment) == new_zone.pk

    other_cohort = f.CohortFactory()
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    enrolment.cohort = other_cohort
    enrolment.save()
    assert zone_of(enrolment) == other_cohort.training_program.zone_id


def test_an_officer_sees_an_application_in_the_zone_its_call_moved_to(client):
    from django.contrib.auth.models import Permission

    application = f.ApplicationFactory()
    officer = f.StaffUserFactory()
    officer.user_permissions.add(Permission.objects.get(codename="view_application"))
    new_zone = f.ZoneFactory()
    f.ZoneStaffFactory(zone=new_zone, user=officer)
    client.force_login(officer)
    path = reverse("admin:programs_application_changelist")
    assert list(client.get(path).context["cl"].result_list) == []

    program = application.call.program
    program.zone = new_zone
    program.save()

    assert list(client.get(path).context["cl"].result_list) == [application]
    change = reverse("admin:programs_application_change", args=[application.pk])
    assert client.get(change).status_code == 200


def test_saving_a_program_without_moving_it_leaves_its_applications_alone():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from programs.models import Program

    application = f.ApplicationFactory()
    for program in (
        Program.objects.get(pk=application.call.program_id),
        Program.objects.only("name_ko").get(pk=application.call.program_id),  # its zone never loaded
    ):
        program.name_ko = "새 이름"
        with CaptureQueriesContext(connection) as captured:
            program.save()

        assert not [q for q in captured if "programs_application" in q["sql"]]
    assert zone_of(application) == application.call.program.zone_id
