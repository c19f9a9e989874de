"""/api/v1/ companies, tenancies, MOUs, MOU commitments and self-reports: who sees and does what."""

import datetime as dt

import pytest

from companies.models import CompanyMember, Mou, SelfReport, Tenancy
from tests import factories as f

pytestmark = pytest.mark.django_db

COMPANIES = "/api/v1/companies/"
TENANCIES = "/api/v1/tenancies/"
MOUS = "/api/v1/mous/"
COMMITMENTS = "/api/v1/mou-commitments/"
SELF_REPORTS = "/api/v1/self-reports/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def assert_constant_queries(client, url, count_queries, add_rows, expected_rows_first: int) -> None:
    """The list runs as many queries with one row as with twenty (the user's caches warmed first)."""
    client.get(url)
    add_rows(1)
    first = client.get(url).json()["results"]
    assert len(first) == expected_rows_first
    one = count_queries(client, url)
    add_rows(19)
    twenty = client.get(url + ("&" if "?" in url else "?") + "page_size=200").json()["results"]
    assert len(twenty) == expected_rows_first + 19
    assert count_queries(client, url + ("&" if "?" in url else "?") + "page_size=200") == one


def company_payload(**overrides) -> dict:
    return {
        "name_ko": "주식회사 새기업",
        "name_en": "New Co",
        "brn": "220-81-62517",
        "size": "startup",
        "headcount": 5,
        **overrides,
    }


# --- companies -----------------------------------------------------------------------


def test_every_zone_staff_member_and_superuser_sees_the_whole_company_registry(world, as_user):
    expected = {world.company_a.pk, world.company_b.pk}
    for user in (world.superuser, world.officer_a, world.officer_b, world.reviewer_a):
        assert ids(as_user(user).get(COMPANIES)) == expected


def test_company_user_sees_only_their_own_company(world, as_user):
    client = as_user(world.member_a)
    assert ids(client.get(COMPANIES)) == {world.company_a.pk}
    assert client.get(f"{COMPANIES}{world.company_a.pk}/").status_code == 200
    assert client.get(f"{COMPANIES}{world.company_b.pk}/").status_code == 404


def test_stranger_sees_no_company_and_the_public_must_sign_in(world, as_user):
    assert ids(as_user(world.stranger).get(COMPANIES)) == set()
    assert as_user(world.stranger).get(f"{COMPANIES}{world.company_a.pk}/").status_code == 404
    assert as_user(None).get(COMPANIES).status_code == 401


def test_officer_registers_a_company_without_becoming_its_member(world, as_user):
    field = f.AIFieldFactory(code="vision")
    response = as_user(world.officer_a).post(COMPANIES, company_payload(ai_fields=[field.pk]), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["brn"] == "2208162517"
    assert body["brn_display"] == "220-81-62517"
    assert body["ai_fields"] == [field.pk]
    assert body["ai_field_details"][0]["code"] == "vision"
    assert not CompanyMember.objects.filter(company_id=body["id"]).exists()


def test_a_wrong_business_registration_number_is_refused_on_its_field(world, as_user):
    client = as_user(world.officer_a)
    response = client.post(COMPANIES, company_payload(brn="220-81-62518"), format="json")
    assert response.status_code == 400
    assert response.json()["brn"] == [
        "This business registration number's check digit is wrong: please check the number."
    ]
    response = client.post(COMPANIES, company_payload(brn="12345"), format="json")
    assert response.status_code == 400
    assert response.json()["brn"] == ["A business registration number has 10 digits, written 123-45-67890."]


def test_a_business_registration_number_already_registered_is_refused(world, as_user):
    response = as_user(world.officer_a).post(COMPANIES, company_payload(brn=world.company_b.brn_display), format="json")
    assert response.status_code == 400
    assert "already registered" in response.json()["brn"][0]


def test_company_users_and_strangers_cannot_register_companies(world, as_user):
    for user in (world.member_a, world.stranger, world.reviewer_a):
        assert as_user(user).post(COMPANIES, company_payload(), format="json").status_code == 403


def test_officer_edits_any_company_of_the_registry(world, as_user):
    field = f.AIFieldFactory(code="speech")
    response = as_user(world.officer_b).patch(
        f"{COMPANIES}{world.company_a.pk}/", {"name_en": "Renamed", "ai_fields": [field.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["name_en"] == "Renamed"
    world.company_a.refresh_from_db()
    assert list(world.company_a.ai_fields.all()) == [field]


def test_owner_edits_the_profile_but_not_the_business_registration_number(world, as_user):
    client = as_user(world.member_a)
    url = f"{COMPANIES}{world.company_a.pk}/"
    response = client.patch(url, {"headcount": 40}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["headcount"] == 40
    response = client.patch(url, {"brn": f.valid_brn(777)}, format="json")
    assert response.status_code == 400
    assert "only the zone office changes it" in response.json()["brn"][0]
    assert client.patch(f"{COMPANIES}{world.company_b.pk}/", {"headcount": 1}, format="json").status_code == 404


def test_a_member_who_is_not_an_owner_cannot_edit_the_profile(world, as_user):
    colleague = f.UserFactory(username="colleague")
    f.CompanyMemberFactory(company=world.company_a, user=colleague, role=CompanyMember.Role.MEMBER)
    response = as_user(colleague).patch(f"{COMPANIES}{world.company_a.pk}/", {"headcount": 3}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Only an owner of the company can do this."]


def test_officer_archives_and_restores_a_company(world, as_user):
    client = as_user(world.officer_a)
    response = client.post(f"{COMPANIES}{world.company_b.pk}/archive/", {"reason": "closed"}, format="json")
    assert response.status_code == 200
    assert response.json()["is_archived"] is True
    assert ids(client.get(f"{COMPANIES}?is_archived=true")) == {world.company_b.pk}
    assert ids(client.get(f"{COMPANIES}?is_archived=false")) == {world.company_a.pk}
    assert client.post(f"{COMPANIES}{world.company_b.pk}/restore/").json()["is_archived"] is False
    assert as_user(world.member_a).post(f"{COMPANIES}{world.company_a.pk}/archive/").status_code == 403


def test_company_filters_and_search_narrow_the_registry(world, as_user):
    field = f.AIFieldFactory(code="robotics")
    other = f.CompanyFactory(
        name_ko="로봇 주식회사", size="sme", sido="광주광역시", founded_on=dt.date(2015, 1, 1), brn=f.valid_brn(900)
    )
    other.ai_fields.add(field)
    client = as_user(world.officer_a)
    assert ids(client.get(f"{COMPANIES}?size=sme")) == {other.pk}
    assert ids(client.get(f"{COMPANIES}?ai_field={field.pk}")) == {other.pk}
    assert ids(client.get(f"{COMPANIES}?ai_field_code=robotics")) == {other.pk}
    assert ids(client.get(f"{COMPANIES}?sido=광주광역시")) == {other.pk}
    assert ids(client.get(f"{COMPANIES}?founded_year_max=2016")) == {other.pk}
    assert other.pk not in ids(client.get(f"{COMPANIES}?founded_year_min=2020"))
    assert ids(client.get(f"{COMPANIES}?search=로봇")) == {other.pk}
    brn = other.brn_display
    assert ids(client.get(f"{COMPANIES}?search={brn}")) == {other.pk}
    assert ids(client.get(f"{COMPANIES}?search={other.brn[:6]}")) == {other.pk}
    names, url = [], f"{COMPANIES}?ordering=name_ko&page_size=1"
    while url:
        page = client.get(url).json()
        names += [row["name_ko"] for row in page["results"]]
        url = page["next"]
    assert names == sorted(names) and len(names) == 3


def test_wild_company_filter_values_are_refused_not_crashed(world, as_user):
    client = as_user(world.officer_a)
    for query in ("ai_field=abc", "ai_field=99999999999999999999999", "founded_year_min=99999", "size=huge"):
        assert client.get(f"{COMPANIES}?{query}").status_code == 400, query
    assert client.get(f"{COMPANIES}?ai_field=9223372036854775807").status_code == 200


def test_the_company_list_shows_each_companys_ai_fields_as_its_record_does(world, as_user):
    vision = f.AIFieldFactory(code="vision", name_ko="나 비전")
    language = f.AIFieldFactory(code="language", name_ko="가 언어")
    world.company_a.ai_fields.add(vision, language)
    world.company_b.ai_fields.add(language)
    client = as_user(world.officer_a)
    listed = {row["id"]: row for row in client.get(COMPANIES).json()["results"]}
    assert listed[world.company_a.pk]["ai_fields"] == [language.pk, vision.pk]  # by Korean name
    assert [field["code"] for field in listed[world.company_a.pk]["ai_field_details"]] == ["language", "vision"]
    assert listed[world.company_b.pk]["ai_field_details"] == [
        {"id": language.pk, "code": "language", "name_ko": "가 언어", "name_en": language.name_en}
    ]
    for company in (world.company_a, world.company_b):
        assert client.get(f"{COMPANIES}{company.pk}/").json() == listed[company.pk]


def test_company_list_queries_do_not_grow_with_rows(world, as_user, count_queries):
    field = f.AIFieldFactory(code="language")

    def add(n: int) -> None:
        for _ in range(n):
            f.CompanyFactory(size="large").ai_fields.add(field)

    client = as_user(world.officer_a)
    assert_constant_queries(client, f"{COMPANIES}?size=large", count_queries, add, 1)


# --- tenancies -----------------------------------------------------------------------


@pytest.fixture
def tenancies(world):
    return {
        "a": f.TenancyFactory(company=world.company_a, zone=world.zone_a, building="서울AI허브", space="301"),
        "b": f.TenancyFactory(company=world.company_b, zone=world.zone_b, building="광주센터", space="12"),
    }


def test_tenancies_are_scoped_to_the_officers_zones(world, tenancies, as_user):
    assert ids(as_user(world.officer_a).get(TENANCIES)) == {tenancies["a"].pk}
    assert ids(as_user(world.superuser).get(TENANCIES)) == {tenancies["a"].pk, tenancies["b"].pk}
    assert as_user(world.officer_b).get(f"{TENANCIES}{tenancies['a'].pk}/").status_code == 404
    assert as_user(world.officer_b).patch(f"{TENANCIES}{tenancies['a'].pk}/", {"space": "1"}).status_code == 404


def test_company_user_sees_their_tenancies_and_others_see_none(world, tenancies, as_user):
    assert ids(as_user(world.member_a).get(TENANCIES)) == {tenancies["a"].pk}
    assert as_user(world.member_a).get(f"{TENANCIES}{tenancies['b'].pk}/").status_code == 404
    assert ids(as_user(world.stranger).get(TENANCIES)) == set()
    assert ids(as_user(world.reviewer_a).get(TENANCIES)) == set()
    assert as_user(None).get(TENANCIES).status_code == 401


def test_officer_creates_a_tenancy_that_starts_as_an_applicant(world, as_user):
    response = as_user(world.officer_a).post(
        TENANCIES,
        {"company": world.company_b.pk, "zone": world.zone_a.pk, "status": "resident", "building": "허브"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "applicant"
    assert response.json()["allowed_transitions"] == ["resident", "exited"]


def test_a_tenancy_in_another_zone_is_refused_on_the_zone_field(world, as_user):
    response = as_user(world.officer_a).post(
        TENANCIES, {"company": world.company_a.pk, "zone": world.zone_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "zone" in response.json()
    assert "Invalid pk" in response.json()["zone"][0]


def test_company_users_cannot_create_tenancies(world, as_user):
    response = as_user(world.member_a).post(
        TENANCIES, {"company": world.company_a.pk, "zone": world.zone_a.pk}, format="json"
    )
    assert response.status_code == 403


def test_a_tenancy_cannot_end_before_the_move_in(world, tenancies, as_user):
    response = as_user(world.officer_a).patch(
        f"{TENANCIES}{tenancies['a'].pk}/", {"ended_on": "2020-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["ended_on"] == ["A tenancy cannot end before the company moved in."]


def test_a_second_active_tenancy_in_the_same_zone_is_refused(world, tenancies, as_user):
    response = as_user(world.officer_a).post(
        TENANCIES, {"company": world.company_a.pk, "zone": world.zone_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This company already has an active tenancy in this zone."]


def test_tenancy_moves_along_its_workflow_and_refuses_other_steps(world, as_user):
    tenancy = f.TenancyFactory(
        company=world.company_b, zone=world.zone_a, status=Tenancy.Status.APPLICANT, moved_in_on=None
    )
    client = as_user(world.officer_a)
    url = f"{TENANCIES}{tenancy.pk}/transition/"
    response = client.post(url, {"to": "resident", "on": "2025-02-01", "expected_from": "applicant"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resident"
    assert response.json()["moved_in_on"] == "2025-02-01"
    response = client.post(url, {"to": "applicant"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This step is not allowed: “Resident” cannot become “Applicant”."]
    response = client.post(url, {"to": "graduated", "expected_from": "applicant"}, format="json")
    assert response.status_code == 400
    assert "Someone else changed this record" in response.json()["non_field_errors"][0]
    response = client.post(url, {"to": "graduated", "on": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert "graduated_on" in response.json()
    assert client.post(url, {"to": "nowhere"}, format="json").status_code == 400


def test_tenancy_transitions_need_the_zone_and_the_permission(world, tenancies, as_user):
    url = f"{TENANCIES}{tenancies['a'].pk}/transition/"
    assert as_user(world.officer_b).post(url, {"to": "graduated"}, format="json").status_code == 404
    assert as_user(world.member_a).post(url, {"to": "graduated"}, format="json").status_code == 403


def test_tenancy_filters_narrow_the_list(world, tenancies, as_user):
    other = f.TenancyFactory(
        company=world.company_b,
        zone=world.zone_a,
        status=Tenancy.Status.GRADUATED,
        moved_in_on=dt.date(2022, 1, 1),
        building="별관",
    )
    client = as_user(world.superuser)
    assert ids(client.get(f"{TENANCIES}?zone={world.zone_a.pk}")) == {tenancies["a"].pk, other.pk}
    assert ids(client.get(f"{TENANCIES}?company={world.company_b.pk}")) == {tenancies["b"].pk, other.pk}
    assert ids(client.get(f"{TENANCIES}?status=graduated")) == {other.pk}
    assert ids(client.get(f"{TENANCIES}?moved_in_on_before=2023-01-01")) == {other.pk}
    assert ids(client.get(f"{TENANCIES}?building=별관")) == {other.pk}
    assert ids(client.get(f"{TENANCIES}?search={world.company_a.name_ko}")) == {tenancies["a"].pk}
    assert ids(client.get(f"{TENANCIES}?search={world.company_b.brn_display}")) == {tenancies["b"].pk, other.pk}
    assert client.get(f"{TENANCIES}?moved_in_on_after=not-a-date").status_code == 400


def test_tenancy_list_queries_do_not_grow_with_rows(world, as_user, count_queries):
    def add(n: int) -> None:
        for _ in range(n):
            f.TenancyFactory(zone=world.zone_a)

    assert_constant_queries(as_user(world.officer_a), TENANCIES, count_queries, add, 1)


# --- MOUs ----------------------------------------------------------------------------


@pytest.fixture
def mous(world):
    mou_a = f.MouFactory(zone=world.zone_a, company=world.company_a, status=Mou.Status.IN_PROGRESS)
    f.MouCommitmentFactory(mou=mou_a, kind="jobs", promised_value=10, actual_value=4, actual_on=dt.date(2025, 1, 1))
    f.MouCommitmentFactory(mou=mou_a, kind="investment", promised_value=1_000_000_000)
    f.MouCommitmentFactory(
        mou=mou_a, kind="office_opening", promised_value=1, actual_value=1, actual_on=dt.date(2025, 3, 1)
    )
    mou_b = f.MouFactory(zone=world.zone_b, company=world.company_b)
    return {"a": mou_a, "b": mou_b}


def test_mous_are_scoped_to_zones_and_companies(world, mous, as_user):
    assert ids(as_user(world.officer_a).get(MOUS)) == {mous["a"].pk}
    assert as_user(world.officer_b).get(f"{MOUS}{mous['a'].pk}/").status_code == 404
    assert ids(as_user(world.member_a).get(MOUS)) == {mous["a"].pk}
    assert as_user(world.member_a).get(f"{MOUS}{mous['b'].pk}/").status_code == 404
    assert ids(as_user(world.stranger).get(MOUS)) == set()
    assert as_user(None).get(MOUS).status_code == 401


def test_mou_list_shows_promised_against_delivered_and_the_detail_its_commitments(world, mous, as_user):
    client = as_user(world.officer_a)
    row = client.get(MOUS).json()["results"][0]
    assert (row["jobs_promised"], row["jobs_actual"]) == (10, 4)
    assert (row["investment_promised_krw"], row["investment_actual_krw"]) == (1_000_000_000, 0)
    assert row["office_opened"] is True
    assert "commitments" not in row
    detail = client.get(f"{MOUS}{mous['a'].pk}/").json()
    assert sorted(c["kind"] for c in detail["commitments"]) == ["investment", "jobs", "office_opening"]
    assert as_user(world.superuser).get(f"{MOUS}{mous['b'].pk}/").json()["office_opened"] is None


def test_officer_creates_and_edits_an_mou_of_their_zone(world, as_user):
    client = as_user(world.officer_a)
    response = client.post(
        MOUS,
        {"zone": world.zone_a.pk, "counterparty_name": "한국AI협회", "title": "협력", "signed_on": "2025-05-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "signed"
    assert response.json()["party_name"] == "한국AI협회"
    assert response.json()["commitments"] == []
    url = f"{MOUS}{response.json()['id']}/"
    response = client.patch(url, {"ends_on": "2025-01-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["ends_on"] == ["An MOU cannot end before it was signed."]
    assert client.patch(url, {"title": "협력 2"}, format="json").json()["title"] == "협력 2"


def test_an_mou_needs_a_party_and_a_zone_of_the_officer(world, as_user):
    client = as_user(world.officer_a)
    response = client.post(MOUS, {"zone": world.zone_a.pk, "title": "협력", "signed_on": "2025-05-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["counterparty_name"] == [
        "Choose a registered company, or give the name of the institution that signed."
    ]
    response = client.post(
        MOUS,
        {"zone": world.zone_b.pk, "company": world.company_a.pk, "title": "협력", "signed_on": "2025-05-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "zone" in response.json()
    assert as_user(world.member_a).post(MOUS, {}, format="json").status_code == 403


def test_mou_transition_follows_the_service_rules(world, mous, as_user):
    client = as_user(world.officer_a)
    url = f"{MOUS}{mous['a'].pk}/transition/"
    response = client.post(url, {"to": "fulfilled"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"][0].startswith("Not every commitment is delivered")
    response = client.post(url, {"to": "partly_fulfilled", "comment": "정산"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "partly_fulfilled"
    assert response.json()["allowed_transitions"] == ["fulfilled"]
    assert as_user(world.officer_b).post(url, {"to": "fulfilled"}, format="json").status_code == 404
    assert as_user(world.member_a).post(url, {"to": "fulfilled"}, format="json").status_code == 403


def test_mou_filters_narrow_the_list(world, mous, as_user):
    old = f.MouFactory(zone=world.zone_a, company=world.company_b, signed_on=dt.date(2020, 1, 1))
    client = as_user(world.superuser)
    assert ids(client.get(f"{MOUS}?zone={world.zone_a.pk}")) == {mous["a"].pk, old.pk}
    assert ids(client.get(f"{MOUS}?company={world.company_b.pk}")) == {mous["b"].pk, old.pk}
    assert ids(client.get(f"{MOUS}?status=in_progress")) == {mous["a"].pk}
    assert ids(client.get(f"{MOUS}?signed_on_before=2021-01-01")) == {old.pk}
    assert ids(client.get(f"{MOUS}?has_office_opened=true")) == {mous["a"].pk}
    assert ids(client.get(f"{MOUS}?has_office_opened=false")) == {mous["b"].pk, old.pk}
    assert ids(client.get(f"{MOUS}?search={mous['a'].title}")) == {mous["a"].pk}
    assert client.get(f"{MOUS}?status=unknown").status_code == 400


def test_mou_list_queries_do_not_grow_with_rows(world, as_user, count_queries):
    def add(n: int) -> None:
        for _ in range(n):
            mou = f.MouFactory(zone=world.zone_a)
            f.MouCommitmentFactory(mou=mou, kind="jobs")
            f.MouCommitmentFactory(mou=mou, kind="office_opening", promised_value=1)

    assert_constant_queries(as_user(world.officer_a), MOUS, count_queries, add, 1)


# --- MOU commitments -----------------------------------------------------------------


def test_commitments_are_scoped_through_their_mou(world, mous, as_user):
    commitment_b = f.MouCommitmentFactory(mou=mous["b"])
    a_ids = set(mous["a"].commitments.values_list("pk", flat=True))
    assert ids(as_user(world.officer_a).get(COMMITMENTS)) == a_ids
    assert ids(as_user(world.member_a).get(COMMITMENTS)) == a_ids
    assert as_user(world.officer_a).get(f"{COMMITMENTS}{commitment_b.pk}/").status_code == 404
    assert ids(as_user(world.stranger).get(COMMITMENTS)) == set()


def test_officer_adds_a_commitment_but_not_its_actual_value(world, mous, as_user):
    client = as_user(world.officer_a)
    response = client.post(
        COMMITMENTS,
        {"mou": mous["a"].pk, "kind": "jobs", "promised_value": 5, "actual_value": 5, "actual_on": "2025-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["actual_value"] is None
    response = client.post(COMMITMENTS, {"mou": mous["b"].pk, "kind": "jobs", "promised_value": 5}, format="json")
    assert response.status_code == 400
    assert "mou" in response.json()
    response = client.post(COMMITMENTS, {"mou": mous["a"].pk, "kind": "jobs", "promised_value": -1}, format="json")
    assert response.status_code == 400
    assert response.json()["promised_value"] == ["Ensure this value is greater than or equal to 0."]
    assert as_user(world.member_a).post(COMMITMENTS, {}, format="json").status_code == 403


def test_commitments_of_a_closed_mou_cannot_be_added(world, as_user):
    closed = f.MouFactory(zone=world.zone_a, status=Mou.Status.TERMINATED)
    response = as_user(world.officer_a).post(
        COMMITMENTS, {"mou": closed.pk, "kind": "jobs", "promised_value": 5}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["mou"] == ["This MOU is “Terminated”: its commitments are closed."]


def test_officer_records_the_actual_value_of_a_commitment(world, mous, as_user):
    commitment = mous["a"].commitments.get(kind="investment")
    url = f"{COMMITMENTS}{commitment.pk}/record-actual/"
    payload = {"actual_value": 1_200_000_000, "actual_on": "2025-06-30", "evidence": "투자계약서"}
    assert as_user(world.member_a).post(url, payload, format="json").status_code == 403
    assert as_user(world.officer_b).post(url, payload, format="json").status_code == 404
    response = as_user(world.officer_a).post(url, payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_delivered"] is True
    assert response.json()["evidence"] == "투자계약서"
    response = as_user(world.officer_a).post(url, {"actual_value": -1}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"actual_value", "actual_on"}


def test_actual_values_of_a_closed_mou_are_refused_with_the_services_message(world, as_user):
    commitment = f.MouCommitmentFactory(mou=f.MouFactory(zone=world.zone_a, status=Mou.Status.LAPSED))
    response = as_user(world.officer_a).post(
        f"{COMMITMENTS}{commitment.pk}/record-actual/", {"actual_value": 3, "actual_on": "2025-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["This MOU is “Lapsed”: its commitments are closed."]


def test_commitment_filters_narrow_the_list(world, mous, as_user):
    client = as_user(world.officer_a)
    by_kind = {c.kind: c.pk for c in mous["a"].commitments.all()}
    other = f.MouCommitmentFactory(mou=f.MouFactory(zone=world.zone_a), due_on=dt.date(2030, 1, 1))
    assert ids(client.get(f"{COMMITMENTS}?mou={mous['a'].pk}")) == set(by_kind.values())
    assert ids(client.get(f"{COMMITMENTS}?kind=investment")) == {by_kind["investment"]}
    assert ids(client.get(f"{COMMITMENTS}?is_delivered=true")) == {by_kind["office_opening"]}
    assert ids(client.get(f"{COMMITMENTS}?is_reported=true")) == {by_kind["jobs"], by_kind["office_opening"]}
    assert ids(client.get(f"{COMMITMENTS}?due_on_after=2029-01-01")) == {other.pk}
    assert client.get(f"{COMMITMENTS}?mou=0").status_code == 400


def test_commitment_list_queries_do_not_grow_with_rows(world, as_user, count_queries):
    mou = f.MouFactory(zone=world.zone_a)

    def add(n: int) -> None:
        f.MouCommitmentFactory.create_batch(n, mou=mou)

    assert_constant_queries(as_user(world.officer_a), COMMITMENTS, count_queries, add, 1)


# --- self-reports --------------------------------------------------------------------


@pytest.fixture
def resident_a(world):
    """Company A resident in zone A since 2024: it owes zone A quarterly reports from 2025 Q1."""
    return f.TenancyFactory(company=world.company_a, zone=world.zone_a, moved_in_on=dt.date(2024, 3, 1))


FIGURES = {"headcount": 12, "revenue_krw": 150_000_000, "investment_raised_krw": 0, "patents": 1, "jobs_created": 2}


def test_company_member_saves_a_draft_and_submits_it(world, resident_a, as_user):
    client = as_user(world.member_a)
    response = client.post(
        SELF_REPORTS,
        {"company": world.company_a.pk, "zone": world.zone_a.pk, "year": 2025, "quarter": 1, "headcount": 12},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "draft"
    url = f"{SELF_REPORTS}{response.json()['id']}/"
    response = client.patch(url, {"patents": 1, "note": "초안"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["patents"] == 1
    response = client.post(f"{url}submit/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["revenue_krw"] == ["Fill in every figure before you submit (0 if there was none)."]
    response = client.post(f"{url}submit/", FIGURES, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["submitted_by"] == world.member_a.pk
    response = client.patch(url, {"patents": 2}, format="json")
    assert response.status_code == 400
    assert "submit your corrections" in response.json()["non_field_errors"][0]


def test_a_self_report_for_another_company_or_a_quarter_not_owed_is_refused(world, resident_a, as_user):
    client = as_user(world.member_a)
    period = {"zone": world.zone_a.pk, "year": 2025, "quarter": 1}
    response = client.post(SELF_REPORTS, {**period, "company": world.company_b.pk}, format="json")
    assert response.status_code == 400
    assert "company" in response.json()
    response = client.post(SELF_REPORTS, {**period, "company": world.company_a.pk, "zone": world.zone_b.pk})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Your company owes this zone no report for this quarter."]
    response = client.post(SELF_REPORTS, {**period, "company": world.company_a.pk, "quarter": 5}, format="json")
    assert response.status_code == 400
    assert response.json()["quarter"] == ["Ensure this value is less than or equal to 4."]
    assert as_user(world.stranger).post(SELF_REPORTS, {}, format="json").status_code == 403


def test_self_reports_are_scoped_to_zones_and_companies(world, as_user):
    report_a = f.SelfReportFactory(company=world.company_a, zone=world.zone_a)
    report_b = f.SelfReportFactory(company=world.company_b, zone=world.zone_b)
    assert ids(as_user(world.officer_a).get(SELF_REPORTS)) == {report_a.pk}
    assert ids(as_user(world.member_a).get(SELF_REPORTS)) == {report_a.pk}
    assert ids(as_user(world.superuser).get(SELF_REPORTS)) == {report_a.pk, report_b.pk}
    assert ids(as_user(world.reviewer_a).get(SELF_REPORTS)) == set()
    assert ids(as_user(world.stranger).get(SELF_REPORTS)) == set()
    assert as_user(world.officer_b).get(f"{SELF_REPORTS}{report_a.pk}/").status_code == 404
    assert as_user(world.member_a).get(f"{SELF_REPORTS}{report_b.pk}/").status_code == 404
    assert as_user(None).get(SELF_REPORTS).status_code == 401


def test_office_locks_a_submitted_report_and_nobody_changes_it_afterwards(world, resident_a, as_user):
    report = f.SelfReportFactory(company=world.company_a, zone=world.zone_a, year=2025, quarter=1)
    url = f"{SELF_REPORTS}{report.pk}/"
    assert as_user(world.member_a).post(f"{url}lock/").status_code == 403
    assert as_user(world.officer_b).post(f"{url}lock/").status_code == 404
    response = as_user(world.officer_a).post(f"{url}lock/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "locked"
    assert response.json()["locked_by"] == world.officer_a.pk
    response = as_user(world.officer_a).post(f"{url}lock/")
    assert response.status_code == 400
    assert "already accepted and locked" in response.json()["non_field_errors"][0]
    response = as_user(world.member_a).post(f"{url}submit/", FIGURES, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == [
        "This report was locked by the zone office and can no longer be changed."
    ]


def test_office_returns_a_submitted_report_with_a_comment(world, resident_a, as_user):
    report = f.SelfReportFactory(company=world.company_a, zone=world.zone_a, year=2025, quarter=2)
    url = f"{SELF_REPORTS}{report.pk}/return/"
    client = as_user(world.officer_a)
    response = client.post(url, {"comment": ""}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    response = client.post(url, {"comment": "매출을 확인해 주세요."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned"
    assert response.json()["office_comment"] == "매출을 확인해 주세요."
    response = client.post(url, {"comment": "again"}, format="json")
    assert response.status_code == 400
    assert "has not been submitted" in response.json()["non_field_errors"][0]


def test_office_cannot_edit_a_companys_figures(world, as_user):
    report = f.SelfReportFactory(company=world.company_a, zone=world.zone_a, status=SelfReport.Status.DRAFT)
    response = as_user(world.officer_a).patch(f"{SELF_REPORTS}{report.pk}/", {"patents": 9}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["You do not act for this company."]


def test_self_report_filters_narrow_the_list(world, as_user):
    q1 = f.SelfReportFactory(company=world.company_a, zone=world.zone_a, year=2025, quarter=1)
    q2 = f.SelfReportFactory(
        company=world.company_a, zone=world.zone_a, year=2025, quarter=2, status=SelfReport.Status.DRAFT
    )
    old = f.SelfReportFactory(company=world.company_b, zone=world.zone_a, year=2024, quarter=4)
    client = as_user(world.officer_a)
    assert ids(client.get(f"{SELF_REPORTS}?year=2025")) == {q1.pk, q2.pk}
    assert ids(client.get(f"{SELF_REPORTS}?quarter=2")) == {q2.pk}
    assert ids(client.get(f"{SELF_REPORTS}?status=draft")) == {q2.pk}
    assert ids(client.get(f"{SELF_REPORTS}?company={world.company_b.pk}")) == {old.pk}
    assert ids(client.get(f"{SELF_REPORTS}?zone={world.zone_b.pk}")) == set()
    assert client.get(f"{SELF_REPORTS}?quarter=7").status_code == 400


def test_self_report_list_queries_do_not_grow_with_rows(world, as_user, count_queries):
    def add(n: int) -> None:
        for _ in range(n):
            f.SelfReportFactory(zone=world.zone_a)

    assert_constant_queries(as_user(world.officer_a), SELF_REPORTS, count_queries, add, 1)


def test_wild_input_is_answered_with_4xx_never_500(world, mous, tenancies, as_user):
    client = as_user(world.superuser)
    huge = 10**30
    gets = [
        f"{COMPANIES}?search=%00",
        f"{COMPANIES}?sido=%00",
        f"{COMPANIES}?cursor=garbage",
        f"{COMPANIES}?page_size={huge}",
        f"{COMPANIES}?ordering=nonsense",
        f"{TENANCIES}?zone={huge}",
        f"{TENANCIES}?moved_in_on_after=99999-01-01",
        f"{MOUS}?has_office_opened=maybe",
        f"{COMMITMENTS}?is_delivered=2",
        f"{SELF_REPORTS}?year=abc",
        f"{COMPANIES}{huge}/",
        f"{MOUS}abc/",
    ]
    for url in gets:
        assert client.get(url).status_code < 500, url
    posts = [
        (COMPANIES, {"brn": "\x00", "name_ko": "x" * 500, "size": "startup", "ai_fields": [huge]}),
        (COMPANIES, {"brn": 12, "name_ko": ["x"], "size": None, "headcount": huge, "website": "nope"}),
        (TENANCIES, {"company": huge, "zone": "abc", "area_m2": "1e400"}),
        (f"{TENANCIES}{tenancies['a'].pk}/transition/", {"to": 5, "on": "99999-99-99", "expected_from": []}),
        (MOUS, {"zone": world.zone_a.pk, "company": huge, "title": "t", "signed_on": "2025-01-01"}),
        (f"{MOUS}{mous['a'].pk}/transition/", {"to": "fulfilled", "expected_from": "signed"}),
        (COMMITMENTS, {"mou": mous["a"].pk, "kind": "jobs", "promised_value": huge}),
        (f"{COMMITMENTS}{mous['a'].commitments.first().pk}/record-actual/", {"actual_value": huge, "actual_on": 1}),
        (SELF_REPORTS, {"company": world.company_a.pk, "zone": huge, "year": huge, "quarter": "x"}),
    ]
    for url, payload in posts:
        assert client.post(url, payload, format="json").status_code < 500, url
