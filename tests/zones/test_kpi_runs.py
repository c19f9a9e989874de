"""KPI snapshot runs: started from the admin for some zones and a period, taken by a Celery task, followed on
a progress page."""

import datetime as dt
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from config.celery import app as celery_app
from core.exceptions import ApplicationError
from tests import factories as f
from zones import services_kpi_runs
from zones.models import KpiSnapshot, KpiSnapshotRun
from zones.services_kpi import kpi_snapshot_take
from zones.services_kpi_runs import kpi_snapshot_run_execute, kpi_snapshot_run_start

pytestmark = pytest.mark.django_db

Q3 = dt.date(2025, 7, 1)
QUARTER = KpiSnapshot.PeriodKind.QUARTER
Status = KpiSnapshotRun.Status


@pytest.fixture(autouse=True)
def _after_the_third_quarter():
    # 2025-Q3 has ended, 2025-Q4 and the year 2025 have not.
    with time_machine.travel("2025-10-02 06:00 +0900", tick=True):
        yield


@pytest.fixture
def yangjae():
    zone = f.ZoneFactory(slug="yangjae", name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    f.MouFactory.create_batch(2, zone=zone, signed_on=dt.date(2025, 8, 1))
    return zone


@pytest.fixture
def gwangju():
    return f.ZoneFactory(slug="gwangju", name_ko="광주 AI 클러스터", name_en="Gwangju AI Cluster")


def _officer(zone):
    user = f.StaffUserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="zones", codename__in=["view_zone", "change_zone", "view_kpisnapshotrun"]
        )
    )
    f.ZoneStaffFactory(zone=zone, user=user)
    return user


@pytest.fixture
def officer(yangjae):
    return _officer(yangjae)


def _snapshots(zone) -> int:
    return KpiSnapshot.objects.filter(zone=zone, period_kind=QUARTER, period_start=Q3).count()


def _run(zones, *, status=Status.QUEUED, done=0, period_start=Q3) -> KpiSnapshotRun:
    run = KpiSnapshotRun.objects.create(
        period_kind=QUARTER, period_start=period_start, status=status, total=len(zones), done=done
    )
    run.zones.set(zones)
    return run


# --- starting a run ----------------------------------------------------------------------------------------


def test_a_run_needs_at_least_one_zone(superuser):
    with pytest.raises(ApplicationError) as refused:
        kpi_snapshot_run_start(zones=[], period_kind=QUARTER, period_start=Q3, acting_user=superuser)
    assert refused.value.field == "zones"
    assert not KpiSnapshotRun.objects.exists()


@pytest.mark.parametrize(
    ("kind", "start"),
    [(QUARTER, dt.date(2025, 10, 1)), (KpiSnapshot.PeriodKind.YEAR, dt.date(2025, 1, 1))],
)
def test_a_period_that_has_not_ended_is_refused(yangjae, superuser, kind, start):
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        kpi_snapshot_run_start(zones=[yangjae], period_kind=kind, period_start=start, acting_user=superuser)
    assert "has not ended yet" in refused.value.message
    assert refused.value.field == "period"
    assert not KpiSnapshotRun.objects.exists()


def test_a_day_that_does_not_start_the_period_is_refused(yangjae, superuser):
    with pytest.raises(ApplicationError) as refused:
        kpi_snapshot_run_start(
            zones=[yangjae], period_kind=QUARTER, period_start=dt.date(2025, 7, 2), acting_user=superuser
        )
    assert refused.value.field == "period"


@pytest.mark.parametrize("status", [Status.QUEUED, Status.RUNNING])
def test_an_active_run_of_the_same_period_and_an_overlapping_zone_is_refused(yangjae, gwangju, superuser, status):
    _run([yangjae], status=status)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        kpi_snapshot_run_start(zones=[yangjae, gwangju], period_kind=QUARTER, period_start=Q3, acting_user=superuser)
    assert "already" in refused.value.message
    assert KpiSnapshotRun.objects.count() == 1


def test_finished_runs_other_zones_and_other_periods_do_not_block(
    yangjae, gwangju, superuser, django_capture_on_commit_callbacks
):
    _run([yangjae], status=Status.DONE, done=1)
    _run([yangjae], status=Status.FAILED)
    _run([gwangju], status=Status.RUNNING)
    _run([yangjae], status=Status.QUEUED, period_start=dt.date(2025, 4, 1))
    with django_capture_on_commit_callbacks() as callbacks:
        run = kpi_snapshot_run_start(zones=[yangjae], period_kind=QUARTER, period_start=Q3, acting_user=superuser)
    assert run.status == Status.QUEUED and run.total == 1 and run.requested_by == superuser
    assert len(callbacks) == 1  # the task is queued once the run is committed


def test_an_officer_cannot_start_a_run_for_another_zone(yangjae, gwangju, officer):
    with pytest.raises(ApplicationError):
        kpi_snapshot_run_start(zones=[gwangju], period_kind=QUARTER, period_start=Q3, acting_user=officer)
    assert not KpiSnapshotRun.objects.exists()


# --- taking it ---------------------------------------------------------------------------------------------


def test_a_started_run_takes_every_zone_and_ends_done(yangjae, gwangju, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = kpi_snapshot_run_start(
            zones=[gwangju, yangjae], period_kind=QUARTER, period_start=Q3, acting_user=superuser
        )
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.done == run.total == 2
    assert run.percent == 100
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert _snapshots(yangjae) == _snapshots(gwangju) > 0
    mous = KpiSnapshot.objects.get(zone=yangjae, code="mous_signed", period_start=Q3)
    assert mous.value == 2 and mous.computed_by == superuser


def test_a_failure_marks_the_run_failed_with_the_error_and_keeps_the_zones_taken(
    yangjae, gwangju, superuser, monkeypatch
):
    run = _run([yangjae, gwangju])

    def take(*, zone, **kwargs):
        if zone == gwangju:
            raise RuntimeError("the database went away")
        return kpi_snapshot_take(zone=zone, **kwargs)

    monkeypatch.setattr(services_kpi_runs, "kpi_snapshot_take", take)
    kpi_snapshot_run_execute(run.pk)  # raises nothing

    run.refresh_from_db()
    assert run.status == Status.FAILED
    assert "the database went away" in run.error and gwangju.name_ko in run.error
    assert run.done == 1 and run.finished_at is not None
    assert _snapshots(yangjae) > 0
    assert _snapshots(gwangju) == 0


def test_running_a_finished_run_again_changes_nothing(yangjae, gwangju):
    run = _run([yangjae, gwangju])
    kpi_snapshot_run_execute(run.pk)
    run.refresh_from_db()
    finished_at, snapshots = run.finished_at, KpiSnapshot.objects.count()

    kpi_snapshot_run_execute(run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.finished_at) == (Status.DONE, 2, 2, finished_at)
    assert KpiSnapshot.objects.count() == snapshots


def test_an_interrupted_run_resumes_without_counting_a_zone_twice(yangjae, gwangju):
    first, second = sorted([yangjae, gwangju], key=lambda zone: zone.pk)
    kpi_snapshot_take(zone=first, period_kind=QUARTER, period_start=Q3)
    taken = _snapshots(first)
    started = dt.datetime(2025, 10, 2, 5, 0, tzinfo=dt.UTC)
    run = _run([yangjae, gwangju], status=Status.RUNNING, done=1)
    KpiSnapshotRun.objects.filter(pk=run.pk).update(started_at=started)

    kpi_snapshot_run_execute(run.pk)

    run.refresh_from_db()
    assert (run.status, run.done, run.total) == (Status.DONE, 2, 2)
    assert run.started_at == started
    assert _snapshots(first) == taken == _snapshots(second)


def test_an_unknown_run_is_ignored():
    assert kpi_snapshot_run_execute(123456) is None


# --- the admin ---------------------------------------------------------------------------------------------

NEW_URL = "admin:zones_zone_kpi_run_new"


def test_the_zone_list_links_to_the_new_run_page(yangjae, officer, client):
    client.force_login(officer)
    body = client.get(reverse("admin:zones_zone_changelist")).content.decode()
    assert reverse(NEW_URL) in body


def test_the_form_offers_an_officer_their_own_zones_ticked_and_the_last_finished_quarter(
    yangjae, gwangju, officer, client
):
    client.force_login(officer)
    response = client.get(reverse(NEW_URL))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["zones"].queryset) == [yangjae]
    body = response.content.decode()
    assert 'value="2025-Q3"' in body
    assert yangjae.name_ko in body and gwangju.name_ko not in body
    assert re.search(rf'<input type="checkbox" name="zones" value="{yangjae.pk}"[^>]*checked', body)


def test_posting_the_form_starts_a_run_for_the_officers_zone_and_shows_its_progress(
    yangjae, gwangju, officer, client, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(NEW_URL), {"period": "2025-Q3", "zones": [yangjae.pk]})
    run = KpiSnapshotRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:zones_kpisnapshotrun_change", args=[run.pk])
    assert list(run.zones.all()) == [yangjae]
    assert (run.status, run.done, run.total, run.requested_by) == (Status.DONE, 1, 1, officer)
    assert _snapshots(yangjae) > 0 and _snapshots(gwangju) == 0


def test_posting_another_zones_id_is_refused_as_an_invalid_choice(yangjae, gwangju, officer, client):
    client.force_login(officer)
    response = client.post(
        reverse(NEW_URL), {"period": "2025-Q3", "zones": [yangjae.pk, gwangju.pk]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "zones" in response.context["form"].errors
    assert "valid choice" in response.content.decode()
    assert not KpiSnapshotRun.objects.exists()


@pytest.mark.parametrize(
    ("period", "message"),
    [("2025-Q4", "has not ended yet"), ("next quarter", "Unknown period")],
)
def test_a_refused_period_is_shown_on_the_form_with_what_was_typed(yangjae, officer, client, period, message):
    client.force_login(officer)
    response = client.post(reverse(NEW_URL), {"period": period, "zones": [yangjae.pk]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'value="{period}"' in body
    assert response.context["form"].errors["period"]
    assert not KpiSnapshotRun.objects.exists()


def test_an_officer_without_change_permission_cannot_open_the_form(yangjae, client):
    viewer = f.StaffUserFactory()
    viewer.user_permissions.add(*Permission.objects.filter(content_type__app_label="zones", codename="view_zone"))
    f.ZoneStaffFactory(zone=yangjae, user=viewer)
    client.force_login(viewer)
    assert client.get(reverse(NEW_URL)).status_code == 403


def test_the_progress_page_and_its_json_show_the_run_to_its_officer(yangjae, officer, client):
    run = _run([yangjae], status=Status.RUNNING)
    client.force_login(officer)

    page = client.get(reverse("admin:zones_kpisnapshotrun_change", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<progress" in body and "0 / 1 zones (0%)" in body
    assert "Running" in body
    assert reverse("admin:zones_kpisnapshotrun_progress", args=[run.pk]) in body
    assert f"{reverse('admin:zones_zone_kpi_report', args=[yangjae.pk])}?period=2025-Q3" in body

    KpiSnapshotRun.objects.filter(pk=run.pk).update(done=1, status=Status.DONE)
    data = client.get(reverse("admin:zones_kpisnapshotrun_progress", args=[run.pk])).json()
    assert data == {
        "id": run.pk,
        "status": "done",
        "status_display": data["status_display"],
        "done": 1,
        "total": 1,
        "percent": 100,
        "error": "",
        "finished": True,
    }


def test_a_failed_run_shows_its_error(yangjae, officer, client):
    run = _run([yangjae], status=Status.FAILED)
    KpiSnapshotRun.objects.filter(pk=run.pk).update(error="양재 AI 특구: boom")
    client.force_login(officer)
    body = client.get(reverse("admin:zones_kpisnapshotrun_change", args=[run.pk])).content.decode()
    assert "양재 AI 특구: boom" in body


def test_an_officer_of_another_zone_gets_404_for_the_page_and_the_json(yangjae, gwangju, client):
    run = _run([yangjae, gwangju])
    client.force_login(_officer(gwangju))  # one of the run's zones is not theirs
    assert client.get(reverse("admin:zones_kpisnapshotrun_change", args=[run.pk])).status_code == 404
    assert client.get(reverse("admin:zones_kpisnapshotrun_progress", args=[run.pk])).status_code == 404
    assert client.get(reverse("admin:zones_kpisnapshotrun_history", args=[run.pk])).status_code == 404
    changelist = client.get(reverse("admin:zones_kpisnapshotrun_changelist"))
    assert list(changelist.context["cl"].result_list) == []


def test_the_run_list_shows_an_officer_only_runs_within_their_zones(yangjae, gwangju, officer, client):
    own = _run([yangjae])
    _run([gwangju])
    _run([yangjae, gwangju])
    client.force_login(officer)
    response = client.get(reverse("admin:zones_kpisnapshotrun_changelist"))
    assert list(response.context["cl"].result_list) == [own]


def _changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:zones_kpisnapshotrun_changelist")).status_code == 200
    return len(captured)


@pytest.mark.parametrize("as_superuser", [True, False])
def test_the_run_list_query_count_does_not_grow_with_the_rows(
    yangjae, gwangju, officer, superuser, client, as_superuser
):
    client.force_login(superuser if as_superuser else officer)
    requester = f.StaffUserFactory()
    KpiSnapshotRun.objects.filter(pk=_run([yangjae]).pk).update(requested_by=requester)
    one = _changelist_queries(client)
    for _index in range(20):
        run = _run([yangjae, gwangju] if as_superuser else [yangjae], status=Status.DONE)
        KpiSnapshotRun.objects.filter(pk=run.pk).update(requested_by=f.StaffUserFactory())
    assert _changelist_queries(client) == one


# --- through a real worker ---------------------------------------------------------------------------------


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    assert settings.CELERY_BROKER_URL.startswith("redis://"), "make test runs the suite against Redis"
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
            yield
    finally:
        celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_a_run_started_through_the_service(worker):
    zones = [f.ZoneFactory(), f.ZoneFactory()]
    f.MouFactory.create_batch(3, zone=zones[0], signed_on=dt.date(2025, 8, 1))
    run = kpi_snapshot_run_start(
        zones=zones, period_kind=QUARTER, period_start=Q3, acting_user=f.SuperUserFactory(username="worker-admin")
    )

    deadline = time.monotonic() + 60
    while True:
        run.refresh_from_db()
        if run.status in (Status.DONE, Status.FAILED) or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert (run.status, run.error) == (Status.DONE, "")
    assert run.done == run.total == 2
    assert KpiSnapshot.objects.get(zone=zones[0], code="mous_signed", period_start=Q3).value == 3
