"""Changelists count a bounded number of rows and say when the count stopped or was estimated; the year
filter that replaces the date hierarchy; the search that looks up each field on its own."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from companies.models import Company
from core.admin import BoundedCountPaginator
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 5)


@pytest.fixture
def per_page(monkeypatch):
    def set_per_page(rows: int) -> None:
        monkeypatch.setattr(admin.site.get_model_admin(Company), "list_per_page", rows)

    return set_per_page


def companies_page(client, **params):
    response = client.get(reverse("admin:companies_company_changelist"), params)
    assert response.status_code == 200
    return response.context["cl"], response.content.decode()


def test_a_list_within_the_limit_is_counted_exactly(admin_client, small_limit):
    f.CompanyFactory.create_batch(3)

    cl, _ = companies_page(admin_client)

    assert cl.result_count == 3
    assert not cl.paginator.approximate
    assert cl.paginator.count_label == ""


def test_a_list_past_the_limit_stops_counting_and_says_so(admin_client, small_limit, per_page):
    per_page(1)
    f.CompanyFactory.create_batch(8)

    cl, page = companies_page(admin_client)

    assert cl.paginator.approximate
    assert cl.result_count == 1 + 5 + 1  # the page, the limit past it, and the row that shows there are more
    assert cl.paginator.count_label in page
    assert "6" in cl.paginator.count_label
    assert len(cl.result_list) == 1


def test_pages_go_on_past_the_limit_with_full_pages(admin_client, small_limit, per_page):
    per_page(2)
    f.CompanyFactory.create_batch(12)

    cl, _ = companies_page(admin_client, p=3)
    assert cl.paginator.approximate
    assert len(cl.result_list) == 2

    cl, _ = companies_page(admin_client, p=6)  # counts up to 5 rows past itself: all 12
    assert not cl.paginator.approximate
    assert cl.result_count == 12
    assert len(cl.result_list) == 2


def test_a_counted_list_gives_each_page_its_rows_in_the_lists_order(admin_client, small_limit, per_page):
    per_page(3)
    companies = [f.CompanyFactory(name_ko=f"회사 {n}") for n in range(8)]
    f.CompanyFactory(name_ko="다른 이름")
    expected = sorted(companies, key=lambda company: company.name_ko, reverse=True)

    pages = [companies_page(admin_client, q="회사", o="-1", p=number)[0] for number in (1, 2, 3)]

    assert all(not cl.paginator.approximate and cl.result_count == 8 for cl in pages)
    assert [list(cl.result_list) for cl in pages] == [expected[0:3], expected[3:6], expected[6:8]]


def test_the_count_is_one_query_at_any_size(small_limit, django_assert_num_queries):
    paginator = BoundedCountPaginator(Company.objects.filter(archived_at__isnull=True), 2)
    f.CompanyFactory.create_batch(9)

    with django_assert_num_queries(1):
        assert paginator.count == 2 + 5 + 1
    assert paginator.approximate


def test_an_unfiltered_large_table_shows_the_planners_estimate(small_limit, django_assert_num_queries):
    f.CompanyFactory.create_batch(9)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE companies_company")
    paginator = BoundedCountPaginator(Company.objects.all(), 2)

    with django_assert_num_queries(1):
        assert paginator.count == 9
    assert paginator.approximate
    assert "9" in paginator.count_label


def test_year_filter_offers_the_years_of_the_table_and_filters_by_one(admin_client):
    old = f.CompanyFactory(founded_on=dt.date(2015, 3, 1))
    f.CompanyFactory(founded_on=dt.date(2021, 5, 1))

    cl, page = companies_page(admin_client, founded_on__year="2015")

    assert list(cl.result_list) == [old]
    assert all(f"founded_on__year={year}" in page for year in range(2015, 2022))


def test_search_by_field_matches_any_field_and_every_term_in_the_officers_zone(client):
    zone = f.ZoneFactory()
    officer = f.StaffUserFactory()
    officer.user_permissions.add(Permission.objects.get(codename="view_mou"))
    f.ZoneStaffFactory(zone=zone, user=officer)
    by_title = f.MouFactory(zone=zone, title="데이터센터 업무협약", company=f.CompanyFactory(name_ko="노바랩스"))
    by_company = f.MouFactory(zone=zone, title="연구소 설립", company=f.CompanyFactory(name_ko="데이터웍스"))
    f.MouFactory(zone=zone, title="공동 연구", company=f.CompanyFactory(name_ko="큐브넷"))
    f.MouFactory(title="데이터센터 업무협약")  # another zone's
    client.force_login(officer)
    path = reverse("admin:companies_mou_changelist")

    assert set(client.get(path, {"q": "데이터"}).context["cl"].result_list) == {by_title, by_company}
    assert list(client.get(path, {"q": "데이터 노바"}).context["cl"].result_list) == [by_title]


@pytest.mark.parametrize("term", ["데이터", "데이터 노바", '"센터 업무"', "WORKS", "연구", "없는말"])
def test_search_per_row_finds_the_same_rows_as_djangos_search(admin_client, term):
    from django.contrib.admin import ModelAdmin

    from companies.models import Mou

    zone = f.ZoneFactory()
    f.MouFactory(zone=zone, title="데이터센터 업무협약", company=f.CompanyFactory(name_ko="노바랩스"))
    f.MouFactory(zone=zone, title="연구소 설립", company=f.CompanyFactory(name_ko="데이터웍스", name_en="DataWorks"))
    f.MouFactory(zone=zone, title="공동 연구", company=None, counterparty_name="데이터 협회")
    f.MouFactory(title="인재 양성", company=f.CompanyFactory(name_ko="큐브넷"))
    model_admin = admin.site.get_model_admin(Mou)
    assert model_admin.search_per_row
    request = admin_client.get(reverse("admin:companies_mou_changelist")).wsgi_request

    found, _ = model_admin.get_search_results(request, Mou.objects.all(), term)
    default, _ = ModelAdmin.get_search_results(model_admin, request, Mou.objects.all(), term)

    assert sorted(found.values_list("pk", flat=True)) == sorted(default.values_list("pk", flat=True))
    if term == "데이터":
        assert found.count() == 3


@pytest.mark.parametrize("term", ["데이터", "데이터 노바", "없는말"])
def test_applications_and_enrolments_search_per_row_finds_what_djangos_search_finds(admin_client, term):
    from django.contrib.admin import ModelAdmin

    from programs.models import Application, Enrolment

    data, nova = f.CompanyFactory(name_ko="데이터웍스"), f.CompanyFactory(name_ko="노바랩스")
    f.ApplicationFactory(title="데이터센터 실증", company=nova)
    f.ApplicationFactory(title="연구 과제", company=data)
    f.ApplicationFactory(title="공동 연구", company=f.CompanyFactory(name_ko="큐브넷"))
    f.EnrolmentFactory(trainee=f.TraineeFactory(full_name="김데이터"), employed_by=nova)
    f.EnrolmentFactory(employed_by=data)
    f.EnrolmentFactory(employer_name="노바 데이터 협회")
    f.EnrolmentFactory()
    for model, changelist in (
        (Application, "admin:programs_application_changelist"),
        (Enrolment, "admin:programs_enrolment_changelist"),
    ):
        model_admin = admin.site.get_model_admin(model)
        assert model_admin.search_per_row
        request = admin_client.get(reverse(changelist)).wsgi_request

        found, _ = model_admin.get_search_results(request, model.objects.all(), term)
        default, _ = ModelAdmin.get_search_results(model_admin, request, model.objects.all(), term)

        assert sorted(found.values_list("pk", flat=True)) == sorted(default.values_list("pk", flat=True))
        if term == "데이터":
            assert found.count() >= 2


@pytest.fixture
def officer_of_one_zone(client):
    zone = f.ZoneFactory()
    officer = f.StaffUserFactory()
    officer.user_permissions.add(*Permission.objects.filter(codename__in=["view_application", "view_enrolment"]))
    f.ZoneStaffFactory(zone=zone, user=officer)
    client.force_login(officer)
    return zone


def zone_applications(zone, rows: int) -> list:
    """`rows` applications of the zone, newest first."""
    from django.utils import timezone

    call = f.CallFactory(program=f.ProgramFactory(zone=zone))
    now = timezone.now()
    return [f.ApplicationFactory(call=call, created_at=now - dt.timedelta(minutes=n)) for n in range(rows)]


def test_a_list_of_one_zone_is_walked_in_order_and_counted_a_bounded_number_past_its_page(
    client, officer_of_one_zone, monkeypatch
):
    from programs.models import Application

    monkeypatch.setattr(BoundedCountPaginator, "walk_count_limit", 3)
    monkeypatch.setattr(admin.site.get_model_admin(Application), "list_per_page", 2)
    applications = zone_applications(officer_of_one_zone, 9)
    f.ApplicationFactory.create_batch(3)  # other zones'
    path = reverse("admin:programs_application_changelist")

    response = client.get(path)
    cl = response.context["cl"]
    assert cl.paginator.walk
    assert cl.paginator.approximate
    assert cl.result_count == 2 + 3 + 1  # the page, the rows counted past it, and one that shows there are more
    assert cl.paginator.count_label in response.content.decode()
    assert list(cl.result_list) == applications[0:2]

    cl = client.get(path, {"p": 2}).context["cl"]
    assert cl.paginator.approximate
    assert list(cl.result_list) == applications[2:4]

    cl = client.get(path, {"p": 3}).context["cl"]  # counts up to 3 past its page: all 9
    assert not cl.paginator.approximate
    assert cl.result_count == 9
    assert list(cl.result_list) == applications[4:6]


def test_a_list_sorted_by_a_column_or_of_every_zone_is_counted_as_usual(client, officer_of_one_zone, monkeypatch):
    from django.test import Client

    from programs.models import Application

    admin_client = Client()
    admin_client.force_login(f.SuperUserFactory())

    monkeypatch.setattr(BoundedCountPaginator, "walk_count_limit", 3)
    monkeypatch.setattr(admin.site.get_model_admin(Application), "list_per_page", 2)
    zone_applications(officer_of_one_zone, 9)
    path = reverse("admin:programs_application_changelist")

    sorted_by_status = client.get(path, {"o": "4"}).context["cl"]
    every_zone = admin_client.get(path).context["cl"]
    one_zone = admin_client.get(path, {"zone": officer_of_one_zone.pk}).context["cl"]

    assert not sorted_by_status.paginator.walk and not every_zone.paginator.walk
    assert sorted_by_status.result_count == every_zone.result_count == 9
    assert one_zone.paginator.walk and one_zone.paginator.approximate


def test_enrolments_of_one_zone_are_listed_newest_first(client, officer_of_one_zone):
    from django.utils import timezone

    cohort = f.CohortFactory(training_program=f.TrainingProgramFactory(zone=officer_of_one_zone))
    now = timezone.now()
    enrolments = [f.EnrolmentFactory(cohort=cohort, created_at=now - dt.timedelta(days=n)) for n in range(4)]
    f.EnrolmentFactory()  # another zone's

    cl = client.get(reverse("admin:programs_enrolment_changelist")).context["cl"]

    assert cl.paginator.walk
    assert list(cl.result_list) == enrolments


@pytest.mark.parametrize("changelist", ["admin:programs_application_changelist", "admin:companies_mou_changelist"])
def test_a_walked_list_takes_the_same_queries_for_one_row_and_for_many(client, officer_of_one_zone, changelist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Permission.objects.get(codename="view_mou").user_set.add(officer_of_one_zone.staff.get().user)
    path = reverse(changelist)

    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params)
        cl = response.context["cl"]
        assert cl.paginator.walk and len(cl.result_list) >= 1
        return len(captured)

    zone_applications(officer_of_one_zone, 1)
    f.MouFactory(zone=officer_of_one_zone)
    one = queries({})
    zone_applications(officer_of_one_zone, 30)
    f.MouFactory.create_batch(30, zone=officer_of_one_zone)

    assert queries({}) == one


def test_a_list_whose_count_stopped_counts_them_all_when_asked(client, officer_of_one_zone, monkeypatch):
    from programs.models import Application

    monkeypatch.setattr(BoundedCountPaginator, "walk_count_limit", 3)
    monkeypatch.setattr(admin.site.get_model_admin(Application), "list_per_page", 2)
    applications = zone_applications(officer_of_one_zone, 9)
    path = reverse("admin:programs_application_changelist")

    response = client.get(path, {"status": "submitted"})
    cl = response.context["cl"]
    assert cl.paginator.approximate
    link = f'href="?{cl.paginator.count_all_query.replace("&", "&amp;")}"'
    assert link in response.content.decode()
    assert "count=all" in cl.paginator.count_all_query and "status=submitted" in cl.paginator.count_all_query

    response = client.get(path, {"status": "submitted", "count": "all"})
    cl = response.context["cl"]
    assert not cl.paginator.approximate and not cl.paginator.walk
    assert cl.result_count == 9
    assert "count-all" not in response.content.decode()
    assert list(cl.result_list) == applications[0:2]
    # The pages' links keep the filter, not the request to count.
    assert "count=all" not in cl.get_query_string({"p": 2})
