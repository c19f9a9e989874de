"""Quarterly self-reports: the periods owed, draft, submit, correct, and the zone office's lock and return."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from companies import selectors, services
from companies.models import SelfReport, Tenancy
from core.exceptions import ApplicationError
from tests import factories

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
TODAY = dt.date(2025, 11, 10)
FIGURES = {
    "headcount": "14",
    "revenue_krw": "150,000,000",
    "investment_raised_krw": "0",
    "patents": "1",
    "jobs_created": "2",
}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2025, 11, 10, 10, 0, tzinfo=SEOUL), tick=False):
        yield


@pytest.fixture
def member():
    return factories.CompanyMemberFactory(role="owner")


@pytest.fixture
def resident(member):
    """The member's company, resident in a zone since 2025-02-01."""
    return factories.TenancyFactory(
        company=member.company, moved_in_on=dt.date(2025, 2, 1), zone__name_ko="양재 AI 특구"
    )


def labels(periods) -> list[tuple[str, str]]:
    return [(period.zone.name_ko, period.label) for period in periods]


def edit_url(zone, year=2025, quarter=3) -> str:
    zone_id = zone.pk if hasattr(zone, "pk") else zone
    return reverse("companies:selfreport_edit", args=[zone_id, year, quarter])


# --- the periods owed --------------------------------------------------------------


def test_a_resident_since_february_owes_the_first_three_quarters_of_2025(member, resident):
    periods = selectors.selfreport_periods(company=member.company)

    assert [p.label for p in periods] == ["2025-Q3", "2025-Q2", "2025-Q1"]
    assert {p.status for p in periods} == {"not_started"}


def test_reports_are_owed_from_2025_at_the_earliest_and_up_to_the_last_finished_quarter(member):
    factories.TenancyFactory(company=member.company, moved_in_on=dt.date(2023, 5, 1))

    with time_machine.travel(dt.datetime(2026, 1, 5, 9, 0, tzinfo=SEOUL), tick=False):
        periods = selectors.selfreport_periods(company=member.company)

    assert [p.label for p in periods] == ["2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"]


def test_a_company_funded_by_a_zone_fund_owes_from_its_first_investment(member):
    fund = factories.FundFactory(zone__name_ko="광주 AI 클러스터")
    factories.InvestmentFactory(fund=fund, company=member.company, invested_on=dt.date(2025, 8, 20))
    factories.InvestmentFactory(fund=fund, company=member.company, invested_on=dt.date(2025, 5, 2))

    assert labels(selectors.selfreport_periods(company=member.company)) == [
        ("광주 AI 클러스터", "2025-Q3"),
        ("광주 AI 클러스터", "2025-Q2"),
    ]


def test_resident_and_funded_in_the_same_zone_owes_from_the_earlier(member, resident):
    fund = factories.FundFactory(zone=resident.zone)
    factories.InvestmentFactory(fund=fund, company=member.company, invested_on=dt.date(2025, 7, 1))

    assert [p.label for p in selectors.selfreport_periods(company=member.company)] == ["2025-Q3", "2025-Q2", "2025-Q1"]


@pytest.mark.parametrize(
    "tenancy",
    [
        {"status": Tenancy.Status.EXITED},
        {"status": Tenancy.Status.APPLICANT},
        {"status": Tenancy.Status.MEMBERSHIP},
        {"moved_in_on": dt.date(2025, 10, 1)},  # this quarter is not finished yet
    ],
)
def test_nothing_is_owed_without_an_active_residence_begun_in_a_finished_quarter(member, tenancy):
    factories.TenancyFactory(company=member.company, **tenancy)

    assert selectors.selfreport_periods(company=member.company) == []


def test_another_companys_tenancy_and_investments_owe_nothing(member):
    factories.TenancyFactory()
    factories.InvestmentFactory()

    assert selectors.selfreport_periods(company=member.company) == []


def test_a_report_filed_before_the_company_left_stays_listed(member, resident):
    services.selfreport_save(
        company=member.company, zone=resident.zone, year=2025, quarter=1, data={}, submit=False, acting_user=member.user
    )
    resident.status = Tenancy.Status.GRADUATED
    resident.save()

    periods = selectors.selfreport_periods(company=member.company)

    assert [(p.label, p.status, p.owed) for p in periods] == [("2025-Q1", "draft", False)]


def test_periods_are_read_in_two_queries_whatever_their_number(member, django_assert_num_queries):
    factories.TenancyFactory(company=member.company, moved_in_on=dt.date(2025, 2, 1))
    with django_assert_num_queries(2):
        selectors.selfreport_periods(company=member.company)

    for _ in range(3):
        zone = factories.TenancyFactory(company=member.company, moved_in_on=dt.date(2024, 1, 1)).zone
        factories.InvestmentFactory(company=member.company, fund__zone=zone)
        factories.SelfReportFactory(company=member.company, zone=zone, quarter=2)
    with django_assert_num_queries(2):
        periods = selectors.selfreport_periods(company=member.company)
    assert len(periods) == 3 + 3 * 3


# --- the company files ---------------------------------------------------------------


def test_the_list_shows_each_period_with_its_status(client, member, resident):
    factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=2)
    factories.SelfReportFactory(
        company=member.company, zone=resident.zone, quarter=1, status="returned", office_comment="매출 단위 확인"
    )
    client.force_login(member.user)

    content = client.get(reverse("companies:selfreport_list")).content.decode()

    assert resident.zone.name_en in content  # the English page names the zone in English
    for text in ("2025 Q3", "Not started", "Submitted", "Returned for changes", "매출 단위 확인"):
        assert text in content
    assert edit_url(resident.zone, quarter=3) in content


def test_save_a_draft_with_some_figures_and_find_it_after_logging_out(client, member, resident):
    client.force_login(member.user)

    response = client.post(edit_url(resident.zone), {"headcount": "14", "revenue_krw": "150,000,000", "draft": "1"})

    assert response.status_code == 302
    report = SelfReport.objects.get()
    assert (report.status, report.headcount, report.revenue_krw, report.patents) == ("draft", 14, 150_000_000, None)
    client.logout()
    client.force_login(member.user)
    content = client.get(edit_url(resident.zone)).content.decode()
    assert 'value="14"' in content
    assert 'value="150000000"' in content


def test_submitting_needs_every_figure_and_keeps_what_was_typed(client, member, resident):
    client.force_login(member.user)

    response = client.post(edit_url(resident.zone), {"headcount": "14", "revenue_krw": "150,000,000", "submit": "1"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Needed to submit" in content
    assert 'aria-describedby="id_patents_error"' in content or 'id="id_patents_error"' in content
    assert 'value="150,000,000"' in content
    assert not SelfReport.objects.exists()


def test_submit_then_correct_until_the_office_locks(client, member, resident):
    client.force_login(member.user)

    client.post(edit_url(resident.zone), {**FIGURES, "submit": "1"})
    report = SelfReport.objects.get()
    assert (report.status, report.submitted_by, report.revenue_krw) == ("submitted", member.user, 150_000_000)

    # A submitted report is corrected by submitting again; "save as draft" is not offered.
    page = client.get(edit_url(resident.zone)).content.decode()
    assert 'name="draft"' not in page
    client.post(edit_url(resident.zone), {**FIGURES, "jobs_created": "5", "submit": "1"})
    report.refresh_from_db()
    assert (report.status, report.jobs_created) == ("submitted", 5)

    services.selfreport_lock(report=report, acting_user=factories.SuperUserFactory())

    response = client.post(edit_url(resident.zone), {**FIGURES, "jobs_created": "9", "submit": "1"})
    report.refresh_from_db()
    assert report.jobs_created == 5
    content = response.content.decode()
    assert "accepted and locked this report" in content
    assert '<form method="post" novalidate' not in content
    assert "1.5억원" not in content  # English page: KRW 150,000,000
    assert "KRW 150,000,000" in content


def test_a_locked_report_cannot_be_saved(member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)
    services.selfreport_lock(report=report, acting_user=factories.SuperUserFactory())

    with pytest.raises(ApplicationError, match="locked by the zone office and can no longer be changed"):
        services.selfreport_save(
            company=member.company,
            zone=resident.zone,
            year=2025,
            quarter=1,
            data={"headcount": 1},
            submit=True,
            acting_user=member.user,
        )


def test_a_submitted_report_cannot_go_back_to_draft(member, resident):
    factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)

    with pytest.raises(ApplicationError, match="submit your corrections"):
        services.selfreport_save(
            company=member.company,
            zone=resident.zone,
            year=2025,
            quarter=1,
            data={},
            submit=False,
            acting_user=member.user,
        )


def test_returned_report_shows_the_comment_and_is_submitted_again(
    client, member, resident, mailoutbox, django_capture_on_commit_callbacks
):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=3)

    with django_capture_on_commit_callbacks(execute=True):
        services.selfreport_return(
            report=report, acting_user=factories.SuperUserFactory(), comment="매출을 원 단위로 다시 적어 주세요."
        )

    report.refresh_from_db()
    assert (report.status, report.office_comment) == ("returned", "매출을 원 단위로 다시 적어 주세요.")
    assert mailoutbox[0].to == [member.user.email]
    assert edit_url(resident.zone) in mailoutbox[0].body
    client.force_login(member.user)
    assert "매출을 원 단위로 다시 적어 주세요." in client.get(edit_url(resident.zone)).content.decode()

    client.post(edit_url(resident.zone), {**FIGURES, "draft": "1"})
    report.refresh_from_db()
    assert report.status == "returned"  # a draft of the correction keeps the office's request visible
    client.post(edit_url(resident.zone), {**FIGURES, "submit": "1"})
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("status", ["draft", "returned", "locked"])
def test_the_office_locks_or_returns_submitted_reports_only(member, resident, status):
    report = factories.SelfReportFactory(
        company=member.company,
        zone=resident.zone,
        quarter=1,
        status=status,
        locked_at=dt.datetime(2025, 10, 1, tzinfo=SEOUL),
    )
    office = factories.SuperUserFactory()

    with pytest.raises(ApplicationError):
        services.selfreport_lock(report=report, acting_user=office)
    with pytest.raises(ApplicationError):
        services.selfreport_return(report=report, acting_user=office, comment="x")


def test_returning_needs_a_comment(member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)

    with pytest.raises(ApplicationError) as refused:
        services.selfreport_return(report=report, acting_user=factories.SuperUserFactory(), comment="  ")

    assert refused.value.field == "comment"


def test_an_officer_of_another_zone_cannot_lock(member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)
    officer = factories.ZoneStaffFactory().user

    with pytest.raises(ApplicationError, match="zone you do not work for"):
        services.selfreport_lock(report=report, acting_user=officer)


def test_a_period_not_owed_is_not_found(client, member, resident):
    client.force_login(member.user)

    assert client.get(edit_url(resident.zone, quarter=4)).status_code == 404  # not finished yet
    assert client.get(edit_url(resident.zone, year=2024, quarter=4)).status_code == 404  # before reporting began
    assert client.get(edit_url(resident.zone, quarter=5)).status_code == 404
    assert client.get(edit_url(factories.ZoneFactory())).status_code == 404
    with pytest.raises(ApplicationError, match="owes this zone no report"):
        services.selfreport_save(
            company=member.company,
            zone=resident.zone,
            year=2025,
            quarter=4,
            data={},
            submit=False,
            acting_user=member.user,
        )


def test_someone_who_does_not_act_for_the_company_cannot_save(member, resident):
    with pytest.raises(ApplicationError, match="do not act for this company"):
        services.selfreport_save(
            company=member.company,
            zone=resident.zone,
            year=2025,
            quarter=1,
            data={},
            submit=False,
            acting_user=factories.UserFactory(),
        )


# --- the zone office's admin ---------------------------------------------------------


@pytest.fixture
def office(superuser):
    client = Client()
    client.force_login(superuser)
    return client


def test_admin_lists_reports_with_figures_and_filters(office, member, resident):
    factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1, revenue_krw=250_000_000)
    url = reverse("admin:companies_selfreport_changelist")

    response = office.get(url, {"status__exact": "submitted", "zone": resident.zone.pk, "year__exact": "2025"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    assert "KRW 250,000,000" in response.content.decode()


def test_admin_accept_and_lock_action(office, member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)

    office.post(
        reverse("admin:companies_selfreport_changelist"), {"action": "accept_and_lock", "_selected_action": [report.pk]}
    )

    report.refresh_from_db()
    assert report.status == "locked"
    assert report.locked_at is not None


def test_admin_return_action_asks_for_the_comment_then_returns(office, member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)
    url = reverse("admin:companies_selfreport_changelist")

    page = office.post(url, {"action": "return_for_changes", "_selected_action": [report.pk]})
    assert page.status_code == 200
    assert 'name="comment"' in page.content.decode()

    again = office.post(url, {"action": "return_for_changes", "_selected_action": [report.pk], "apply": "1"})
    assert "Say what the company should correct." in again.content.decode()

    office.post(
        url, {"action": "return_for_changes", "_selected_action": [report.pk], "apply": "1", "comment": "특허 수 확인"}
    )
    report.refresh_from_db()
    assert (report.status, report.office_comment) == ("returned", "특허 수 확인")


def test_admin_report_pages_are_read_only(office, member, resident):
    report = factories.SelfReportFactory(company=member.company, zone=resident.zone, quarter=1)

    response = office.get(reverse("admin:companies_selfreport_change", args=[report.pk]))

    assert response.status_code == 200
    assert 'name="headcount"' not in response.content.decode()
    assert office.get(reverse("admin:companies_selfreport_add")).status_code == 403


@pytest.mark.parametrize("model", ["selfreport", "companyclaim", "companyinvitation"])
def test_portal_records_changelists_do_not_grow_in_queries_with_rows(office, model):
    def add(n: int) -> None:
        for _ in range(n):
            owner = factories.CompanyMemberFactory(role="owner")
            if model == "selfreport":
                factories.SelfReportFactory(company=owner.company)
            elif model == "companyclaim":
                services.company_claim_request(acting_user=factories.UserFactory(), brn=factories.CompanyFactory().brn)
            else:
                services.company_invitation_send(
                    company=owner.company, email="x@y.kr", acting_user=owner.user, base_url="http://testserver/"
                )

    url = reverse(f"admin:companies_{model}_changelist")
    add(1)
    office.get(url)

    with CaptureQueriesContext(connection) as one:
        assert len(office.get(url).context["cl"].result_list) == 1
    add(19)
    with CaptureQueriesContext(connection) as twenty:
        assert len(office.get(url).context["cl"].result_list) == 20

    assert len(twenty) == len(one)
