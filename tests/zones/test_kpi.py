"""KPIs: the measures on a small worked dataset, frozen snapshots, retakes, periods, and the report command."""

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from companies.models import MouCommitment, Tenancy
from core.exceptions import ApplicationError
from programs.models import Application, Enrolment
from tests import factories as f
from zones import kpi
from zones.models import KpiSnapshot, ZoneTarget
from zones.selectors import kpi_report
from zones.services_kpi import (
    kpi_snapshot_retake,
    kpi_snapshot_take,
    kpi_snapshot_verify,
    last_finished_quarter,
    parse_period,
    previous_period_start,
)

pytestmark = pytest.mark.django_db

SEOUL = f.SEOUL
Q4 = (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
QUARTER = KpiSnapshot.PeriodKind.QUARTER


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=SEOUL)


@pytest.fixture
def zone():
    """4 MOUs (2 offices opened; 30 jobs promised, 12 created), 6 applications and 2 awards in Q4 2025,
    4 trainees completed of whom 3 employed (2 by a resident company), residents and a graduate."""
    zone = f.ZoneFactory(slug="yangjae")
    resident = f.TenancyFactory(zone=zone, moved_in_on=dt.date(2025, 11, 3)).company
    f.TenancyFactory(zone=zone, moved_in_on=dt.date(2024, 3, 1))
    f.TenancyFactory(
        zone=zone, status=Tenancy.Status.GRADUATED, moved_in_on=dt.date(2023, 1, 2), graduated_on=dt.date(2025, 6, 30)
    )
    mous = [f.MouFactory(zone=zone, signed_on=dt.date(2025, 3, 1)) for _ in range(4)]
    for mou in mous[:2]:
        f.MouCommitmentFactory(
            mou=mou,
            kind=MouCommitment.Kind.OFFICE_OPENING,
            promised_value=1,
            actual_value=1,
            actual_on=dt.date(2025, 9, 1),
        )
    f.MouCommitmentFactory(mou=mous[2], kind=MouCommitment.Kind.OFFICE_OPENING, promised_value=1)
    f.MouCommitmentFactory(mou=mous[0], promised_value=20, actual_value=12, actual_on=dt.date(2025, 10, 1))
    f.MouCommitmentFactory(mou=mous[1], promised_value=10)
    call = f.CallFactory(program__zone=zone)
    for _ in range(4):
        f.ApplicationFactory(call=call, submitted_at=_at(dt.date(2025, 11, 10)), status=Application.Status.REJECTED)
    for _ in range(2):
        f.ApplicationFactory(
            call=call,
            submitted_at=_at(dt.date(2025, 10, 10)),
            decided_at=_at(dt.date(2025, 12, 1)),
            status=Application.Status.APPROVED,
            requested_amount_krw=50_000_000,
        )
    cohort = f.CohortFactory(training_program__zone=zone, ends_on=dt.date(2025, 11, 28))
    employed = {"status": Enrolment.Status.EMPLOYED, "employed_on": dt.date(2025, 12, 15)}
    done = {"completed_on": dt.date(2025, 11, 28)}
    f.EnrolmentFactory(cohort=cohort, **done, **employed, employed_by=resident)
    f.EnrolmentFactory(cohort=cohort, **done, **employed, employed_by=resident)
    f.EnrolmentFactory(cohort=cohort, **done, **employed, employer_name="외부 기업")
    f.EnrolmentFactory(cohort=cohort, **done, status=Enrolment.Status.COMPLETED)
    f.ZoneTargetFactory(zone=zone, year=2025, measure=ZoneTarget.Measure.MOU_OFFICES_OPENED, value=4)
    return zone


def _values(zone, start=Q4[0], end=Q4[1]):
    return kpi.compute_all(zone, start, end)


# --- the measures -------------------------------------------------------------------------------------------


def test_measures_on_a_worked_dataset(zone):
    values = _values(zone)
    assert values["mous_signed"] == 4
    assert values["mous_office_opened"] == 2
    assert values["mous_conversion_rate"] == 50.0
    assert values["mou_jobs_promised"] == 30
    assert values["mou_jobs_created"] == 12
    assert values["programs_applications"] == 6
    assert values["programs_awards"] == 2
    assert values["programs_competition_ratio"] == 3.0
    assert values["programs_amount_awarded_krw"] == 100_000_000
    assert values["training_completed"] == 4
    assert values["training_employed"] == 3
    assert values["training_employment_rate"] == 75.0
    assert values["training_completion_rate"] == 100.0
    assert values["training_hired_by_zone"] == 2
    assert values["companies_residents"] == 2
    assert values["companies_new_residents"] == 1
    assert values["companies_graduates"] == 1


def test_promises_are_not_outcomes_before_delivery(zone):
    values = _values(zone, dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert values["mou_jobs_created"] == 0  # the 12 jobs came on 1 October
    assert values["mou_jobs_promised"] == 30
    assert values["programs_competition_ratio"] is None  # no awards: no ratio


def test_every_definition_is_documented():
    codes = [definition.code for definition in kpi.KPIS]
    assert len(codes) == len(set(codes))
    for definition in kpi.KPIS:
        assert definition.description_ko and definition.description_en and definition.name_ko
    assert set(kpi.TARGET_MEASURES) <= set(codes)
    assert {measure for measure, _basis in kpi.TARGET_MEASURES.values()} <= set(ZoneTarget.Measure.values)


def test_computing_a_zone_takes_the_same_queries_with_5_or_50_mous():
    def queries_for(count: int) -> int:
        zone = f.ZoneFactory()
        for mou in [f.MouFactory(zone=zone) for _ in range(count)]:
            f.MouCommitmentFactory(mou=mou, actual_value=3, actual_on=dt.date(2025, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            kpi.compute_all(zone, *Q4)
        return len(queries)

    assert queries_for(5) == queries_for(50)


# --- snapshots ----------------------------------------------------------------------------------------------


def test_a_snapshot_is_frozen_after_later_edits(zone):
    rows = kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    assert len(rows) == len(kpi.KPIS)
    taken = {row.code: row.value for row in rows}
    assert taken["mous_conversion_rate"] == Decimal("50.0000")
    assert rows[0].period_end == Q4[1]

    mou = f.MouFactory(zone=zone, signed_on=dt.date(2025, 2, 1))
    f.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.OFFICE_OPENING, actual_value=1, actual_on=Q4[0])
    again = kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    assert {row.code: row.value for row in again} == taken
    assert KpiSnapshot.objects.filter(zone=zone).count() == len(kpi.KPIS)
    assert kpi.KPI_BY_CODE["mous_signed"].compute(kpi.Frame(zone, *Q4)) == 5  # live figures did move


def test_a_superuser_retake_replaces_and_is_recorded(zone):
    kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    f.MouFactory(zone=zone, signed_on=dt.date(2025, 2, 1))
    superuser = f.SuperUserFactory()
    rows = kpi_snapshot_retake(zone=zone, period_kind=QUARTER, period_start=Q4[0], acting_user=superuser)
    signed = next(row for row in rows if row.code == "mous_signed")
    assert signed.value == 5 and signed.computed_by == superuser
    assert KpiSnapshot.objects.filter(zone=zone).count() == len(kpi.KPIS)
    assert signed.history.latest().history_user == superuser
    assert signed.history.count() == 2


def test_only_a_superuser_may_retake(zone):
    with pytest.raises(ApplicationError):
        kpi_snapshot_retake(zone=zone, period_kind=QUARTER, period_start=Q4[0], acting_user=f.StaffUserFactory())


def test_one_snapshot_per_zone_measure_and_period(zone):
    kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        KpiSnapshot.objects.create(
            zone=zone,
            code="mous_signed",
            period_kind=QUARTER,
            period_start=Q4[0],
            period_end=Q4[1],
            value=1,
            computed_at=_at(Q4[1]),
        )


def test_a_snapshot_must_start_on_a_period_boundary(zone):
    with pytest.raises(ApplicationError):
        kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=dt.date(2025, 11, 1))


# --- periods ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-Q4", ("quarter", dt.date(2025, 10, 1), dt.date(2025, 12, 31))),
        ("2025-q1", ("quarter", dt.date(2025, 1, 1), dt.date(2025, 3, 31))),
        ("2025-11", ("month", dt.date(2025, 11, 1), dt.date(2025, 11, 30))),
        ("2024-02", ("month", dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2025", ("year", dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ],
)
def test_periods_parse(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["", "2025-Q5", "2025-13", "2025-00", "Q4-2025", "25", "2025-11-01"])
def test_bad_periods_are_refused(text):
    with pytest.raises(ApplicationError):
        parse_period(text)


def test_previous_periods_and_the_last_finished_quarter():
    assert previous_period_start("quarter", dt.date(2025, 1, 1)) == dt.date(2024, 10, 1)
    assert previous_period_start("month", dt.date(2025, 1, 1)) == dt.date(2024, 12, 1)
    assert previous_period_start("year", dt.date(2025, 1, 1)) == dt.date(2024, 1, 1)
    assert last_finished_quarter(dt.date(2025, 11, 25)) == dt.date(2025, 7, 1)
    assert last_finished_quarter(dt.date(2025, 2, 1)) == dt.date(2024, 10, 1)


# --- the report ---------------------------------------------------------------------------------------------


def test_the_report_reads_snapshots_and_flags_live_figures(zone):
    live = {row["code"]: row for row in kpi_report(zone, QUARTER, Q4[0])}
    assert live["mous_office_opened"]["live"] is True
    kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    report = {row["code"]: row for row in kpi_report(zone, QUARTER, Q4[0])}
    opened = report["mous_office_opened_ytd"]
    assert opened["live"] is False
    assert opened["value"] == 2 and opened["target"] == 4 and opened["percent_of_target"] == 50
    assert opened["previous"] == 2 and opened["change"] == 0  # both opened in Q3
    assert report["mou_jobs_created"]["change"] == 12


def test_the_command_writes_csv_json_and_xlsx(zone, tmp_path):
    call_command("kpi_report", zone="yangjae", period="2025-Q4", format="csv", output=str(tmp_path / "r.csv"))
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert {row["code"]: row["value"] for row in rows}["mous_conversion_rate"] == "50"

    call_command("kpi_report", zone="yangjae", period="2025-Q4", format="json", output=str(tmp_path / "r.json"))
    document = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert document["period_end"] == "2025-12-31"
    assert {m["code"]: m["value"] for m in document["measures"]}["programs_competition_ratio"] == 3.0

    call_command("kpi_report", zone="yangjae", period="2025-Q4", format="xlsx", output=str(tmp_path / "r.xlsx"))
    sheet = load_workbook(tmp_path / "r.xlsx").active
    header, *body = list(sheet.values)
    assert header[0] == "code" and len(body) == len(kpi.KPIS)
    values = {row[0]: row[header.index("value")] for row in body}
    assert values["mou_jobs_promised"] == 30


def test_spreadsheet_cells_cannot_start_a_formula():
    from zones.management.commands.kpi_report import safe_cell

    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("@x") == "'@x" and safe_cell("+1") == "'+1" and safe_cell("-1+cmd") == "'-1+cmd"
    assert safe_cell(Decimal("-3")) == "-3" and safe_cell(-42500) == "-42500"  # numbers are not formulas
    assert safe_cell("입주기업") == "입주기업"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"zone": "nowhere", "period": "2025-Q4", "format": "csv"}, "Unknown zone"),
        ({"zone": "yangjae", "period": "2025-Q9", "format": "csv"}, "Unknown period"),
    ],
)
def test_the_command_refuses_bad_input(zone, tmp_path, options, message):
    with translation.override("en"), pytest.raises(CommandError, match=message):  # messages checked in English
        call_command("kpi_report", output=str(tmp_path / "out"), **options)


# --- admin --------------------------------------------------------------------------------------------------


def test_the_zone_action_takes_the_last_finished_quarter_and_the_list_renders(zone, client):
    from django.urls import reverse

    client.force_login(f.SuperUserFactory())
    response = client.post(
        reverse("admin:zones_zone_changelist"),
        {"action": "take_last_quarter_kpi_snapshot", "_selected_action": [zone.pk]},
    )
    assert response.status_code == 302
    rows = KpiSnapshot.objects.filter(zone=zone)
    assert rows.count() == len(kpi.KPIS)
    assert set(rows.values_list("period_start", flat=True)) == {last_finished_quarter()}
    assert client.get(reverse("admin:zones_kpisnapshot_changelist")).status_code == 200


# --- as of ----------------------------------------------------------------------------------------------------


def _edit_everything_after_the_snapshot(zone) -> None:
    """Later edits of every kind: new rows dated in the period, changed and archived rows, a moved call."""
    mou = f.MouFactory(zone=zone, signed_on=dt.date(2025, 10, 5))
    f.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.OFFICE_OPENING, actual_value=1, actual_on=Q4[0])
    jobs = MouCommitment.objects.get(mou__zone=zone, kind=MouCommitment.Kind.JOBS, actual_value=12)
    jobs.actual_value = 20
    jobs.save()
    tenancy = Tenancy.objects.filter(zone=zone, moved_in_on=dt.date(2024, 3, 1)).get()
    tenancy.archived_at = _at(dt.date(2026, 1, 5))
    tenancy.save()
    application = Application.objects.filter(call__program__zone=zone, status=Application.Status.APPROVED).first()
    call = application.call
    call.program = f.ProgramFactory()  # the call moves to another zone's program
    call.save()
    enrolment = Enrolment.objects.filter(status=Enrolment.Status.COMPLETED).get()
    enrolment.status = Enrolment.Status.EMPLOYED
    enrolment.employed_on = dt.date(2025, 12, 20)
    enrolment.employer_name = "늦게 알려진 기업"
    enrolment.save()


@pytest.fixture
def records_written_in_2025(time_machine):
    """Requested before `zone`, so the worked dataset and its history are written on 31 December 2025."""
    time_machine.move_to(_at(dt.date(2025, 12, 31)), tick=False)


def test_a_snapshot_recomputed_as_of_its_time_gives_the_frozen_figures(records_written_in_2025, zone, time_machine):
    time_machine.move_to(_at(dt.date(2026, 1, 2)), tick=False)
    rows = kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    frozen = {row.code: row.value for row in rows}

    time_machine.move_to(_at(dt.date(2026, 2, 10)), tick=False)
    _edit_everything_after_the_snapshot(zone)
    live = kpi.compute_all(zone, *Q4)
    assert live["mous_signed"] == 5 and live["mou_jobs_created"] == 20 and live["programs_awards"] == 0
    assert live["companies_residents"] == 1 and live["training_employed"] == 4

    as_of = kpi.compute_all(zone, *Q4, as_of=rows[0].computed_at)
    assert {code: None if value is None else Decimal(str(value)) for code, value in as_of.items()} == frozen
    assert as_of["mous_signed"] == 4 and as_of["mou_jobs_created"] == 12 and as_of["programs_awards"] == 2

    verified = kpi_snapshot_verify(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    assert len(verified) == len(kpi.KPIS) and all(row["matches"] for row in verified)


def test_verify_names_a_frozen_figure_the_history_does_not_give_back(records_written_in_2025, zone, time_machine):
    time_machine.move_to(_at(dt.date(2026, 1, 2)), tick=False)
    kpi_snapshot_take(zone=zone, period_kind=QUARTER, period_start=Q4[0])
    KpiSnapshot.objects.filter(zone=zone, code="mous_signed").update(value=Decimal("40"))  # edited behind history

    verified = {row["code"]: row for row in kpi_snapshot_verify(zone=zone, period_kind=QUARTER, period_start=Q4[0])}
    assert verified["mous_signed"]["matches"] is False
    assert verified["mous_signed"]["as_of"] == Decimal("4.0000")
    assert [code for code, row in verified.items() if not row["matches"]] == ["mous_signed"]


def test_nothing_existed_before_the_records_were_written(zone):
    before = kpi.compute_all(zone, *Q4, as_of=_at(dt.date(2000, 1, 1)))
    assert before["mous_signed"] == 0 and before["companies_residents"] == 0 and before["programs_awards"] == 0


def test_as_of_takes_the_same_queries_with_5_or_50_mous():
    def queries_for(count: int) -> int:
        zone = f.ZoneFactory()
        for mou in [f.MouFactory(zone=zone) for _ in range(count)]:
            f.MouCommitmentFactory(mou=mou, actual_value=3, actual_on=dt.date(2025, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            kpi.compute_all(zone, *Q4, as_of=dt.datetime.now(tz=SEOUL))
        return len(queries)

    assert queries_for(5) == queries_for(50)


# --- targets --------------------------------------------------------------------------------------------------


def test_a_quarter_reads_the_years_target_against_the_year_to_date(zone):
    # Two offices opened in 2025 (1 September); one more in Q4. Target: 4 offices in 2025.
    mou = f.MouFactory(zone=zone, signed_on=dt.date(2025, 2, 1))
    f.MouCommitmentFactory(mou=mou, kind=MouCommitment.Kind.OFFICE_OPENING, actual_value=1, actual_on=Q4[0])
    old = f.MouFactory(zone=zone, signed_on=dt.date(2023, 2, 1))
    f.MouCommitmentFactory(
        mou=old, kind=MouCommitment.Kind.OFFICE_OPENING, actual_value=1, actual_on=dt.date(2024, 5, 1)
    )
    rows = {row["code"]: row for row in kpi_report(zone, QUARTER, Q4[0])}
    assert rows["mous_office_opened"]["value"] == 4  # to date, including 2024's office
    assert rows["mous_office_opened"]["target"] is None
    ytd = rows["mous_office_opened_ytd"]
    assert ytd["value"] == 3 and ytd["target"] == 4 and ytd["percent_of_target"] == Decimal("75.0")
    assert ytd["target_basis"] == kpi.TargetBasis.YEAR_TO_DATE

    q3 = {row["code"]: row for row in kpi_report(zone, QUARTER, dt.date(2025, 7, 1))}
    assert q3["mous_office_opened_ytd"]["value"] == 2 and q3["mous_office_opened_ytd"]["percent_of_target"] == 50


def test_year_to_date_flows_count_from_the_first_of_january(zone):
    values = kpi.compute_all(zone, *Q4)
    assert values["companies_new_residents"] == 1
    assert values["companies_new_residents_ytd"] == 1  # the 2024 move-in is not this year's
    assert values["training_employed_ytd"] == 3
    assert values["mou_jobs_created_ytd"] == 12
