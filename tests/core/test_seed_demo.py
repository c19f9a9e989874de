"""`manage.py seed_demo`: the figures of the source articles, valid records, history, and a second run that
changes nothing.

The command runs once for the module inside a transaction that is rolled back at the end, so the demo data
never leaks into other test modules; each test runs in its own savepoint on top of it.
"""

import datetime as dt
import hashlib
import io
from collections import Counter
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from companies.models import (
    AIField,
    Company,
    CompanyClaim,
    CompanyInvitation,
    CompanyMember,
    Mou,
    MouCommitment,
    SelfReport,
    Tenancy,
)
from core.demo.common import BRN_GWANGJU, demo_brn
from core.uploads import validate_upload
from core.validators import validate_brn
from programs.form_builder import cohort_choices, missing_items
from programs.models import (
    Application,
    ApplicationDocument,
    Call,
    ComputeAllocation,
    Enrolment,
    FormQuestion,
    FormSection,
    Fund,
    Investment,
    Program,
    Review,
    RubricCriterion,
    Trainee,
    TrainingProgram,
)
from zones.models import (
    ExemptionGrant,
    ExemptionIncident,
    PlanChange,
    PlanOperator,
    ProjectArea,
    SpecialCase,
    SubProject,
    Zone,
    ZoneStaff,
    ZoneTarget,
)

DOMAIN_APPS = ("zones", "companies", "programs")


def domain_models(*, historical: bool = False):
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if hasattr(model, "instance_type") == historical:
                yield model


def all_counts() -> dict[str, int]:
    """Rows per model: domain models, their history tables, users and groups."""
    models = [*domain_models(), *domain_models(historical=True), get_user_model(), Group]
    return {model._meta.label: model._default_manager.count() for model in models}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield {"output": out.getvalue(), "counts": all_counts()}
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


# --- idempotence ---------------------------------------------------------------------------------------


def test_second_run_leaves_every_count_the_same_and_sets_the_given_password(seeded):
    call_command("seed_demo", "--password", "another-pass-1", stdout=io.StringIO())

    assert all_counts() == seeded["counts"]
    officer = get_user_model().objects.get(username="officer.yangjae")
    assert officer.check_password("another-pass-1")


def test_first_run_uses_the_default_password_and_prints_logins_and_counts(seeded):
    output = seeded["output"]
    for username in ("officer.yangjae", "officer.gwangju", "reviewer.kim", "owner.visionlab"):
        assert username in output
    assert "password=demo-pass-2025" in output
    assert "기업 / companies:" in output
    assert get_user_model().objects.get(username="officer.gwangju").check_password("demo-pass-2025")


def test_records_have_stable_natural_keys(seeded):
    assert Company.objects.get(brn=demo_brn(BRN_GWANGJU, office=410)).name_ko == "페르소나AI"
    assert (
        AIField.objects.filter(
            code__in=[
                "vision",
                "language",
                "speech",
                "data-labelling",
                "general-ai",
                "agents",
                "robotics",
                "medical-ai",
            ]
        ).count()
        == 8
    )


# --- Seoul: Yangjae ------------------------------------------------------------------------------------


def test_yangjae_zone_and_its_plan(seeded):
    zone = Zone.objects.get(slug="yangjae")
    assert zone.name_ko == "양재 AI 특구"
    assert zone.name_en == "Yangjae AI Special Zone"
    assert zone.kind == Zone.Kind.REGIONAL_SPECIALIZED
    assert zone.legal_basis == "규제자유특구 및 지역특화발전특구에 관한 규제특례법"
    assert (zone.designated_on, zone.ends_on) == (dt.date(2024, 11, 28), dt.date(2029, 12, 31))
    assert zone.area_m2 == 400_000
    assert (zone.region, zone.overall_operator) == ("서울특별시", "서초구")
    assert {"Seocho-gu", "KAIST Graduate School of AI", "SNU R&DB Foundation", "ETRI"} <= set(
        zone.partners.values_list("name_en", flat=True)
    )

    assert ProjectArea.objects.filter(zone=zone).count() == 4
    sub_projects = SubProject.objects.filter(project_area__zone=zone)
    assert sub_projects.count() == 15
    assert set(sub_projects.values_list("start_year", "end_year")) == {(2025, 2029)}

    operators = PlanOperator.objects.filter(zone=zone)
    assert list(operators.filter(role="overall").values_list("organization_name", flat=True)) == ["서초구"]
    units = operators.filter(role="unit")
    assert {"KAIST", "SNU R&DB Foundation", "ETRI"} == set(units.values_list("company__name_en", flat=True))
    assert operators.filter(role="specialized", company__isnull=False).count() >= 3
    assert PlanChange.objects.filter(zone=zone, kind="designation", approved_on=dt.date(2024, 11, 28)).exists()


def test_both_zones_have_2025_targets(seeded):
    for slug in ("yangjae", "gwangju"):
        assert ZoneTarget.objects.filter(zone__slug=slug, year=2025).count() >= 5


def test_yangjae_has_the_six_special_cases(seeded):
    cases = SpecialCase.objects.filter(zone__slug="yangjae")
    assert set(cases.values_list("law_name_en", flat=True)) == {
        "Patent Act",
        "Immigration Act",
        "Local Finance Act",
        "Urban Parks Act",
        "Road Traffic Act",
        "Road Act",
    }
    assert set(cases.values_list("law_name_ko", flat=True)) == {
        "특허법",
        "출입국관리법",
        "지방재정법",
        "도시공원 및 녹지 등에 관한 법률",
        "도로교통법",
        "도로법",
    }
    assert "우선심사" in cases.get(law_name_en="Patent Act").title_ko
    assert "3년 → 5년" in cases.get(law_name_en="Immigration Act").title_ko
    assert not cases.filter(Q(title_ko="") | Q(title_en="")).exists()


def test_exemptions_are_granted_only_to_businesses_named_in_the_plan(seeded):
    grants = ExemptionGrant.objects.filter(special_case__zone__slug="yangjae")
    assert grants.count() >= 3
    for grant in grants:
        assert PlanOperator.objects.filter(zone=grant.special_case.zone, company=grant.company).exists()
    assert ExemptionIncident.objects.filter(grant__in=grants).count() == 1


def test_seoul_ai_hub_has_100_resident_110_graduated_and_163_membership_companies(seeded):
    tenancies = Tenancy.objects.filter(zone__slug="yangjae")
    assert Counter(tenancies.values_list("status", flat=True)) == {
        "resident": 100,
        "graduated": 110,
        "membership": 163,
    }
    assert tenancies.filter(status="graduated", company__name_en="Crowdworks").exists()
    hub_companies = Company.objects.filter(tenancies__zone__slug="yangjae")
    assert hub_companies.filter(ai_fields__isnull=True).count() == 0
    assert set(hub_companies.values_list("ai_fields__code", flat=True)) == set(
        AIField.objects.values_list("code", flat=True)
    )


def test_seoul_ai_fund_is_500_billion_with_commitments_and_investments(seeded):
    fund = Fund.objects.get(zone__slug="yangjae")
    assert fund.size_krw == 500_000_000_000
    assert fund.commitments.aggregate(total=Sum("amount_krw"))["total"] == fund.size_krw
    investments = Investment.objects.filter(fund=fund)
    from_calls = investments.filter(application__isnull=False)
    assert from_calls.exists()
    assert investments.filter(application__isnull=True).exists()
    for investment in from_calls:
        assert investment.application.company_id == investment.company_id
        assert investment.application.call.program.kind == Program.Kind.FUND
        assert investment.application.status in Application.AWARDED_STATUSES


# --- Gwangju -------------------------------------------------------------------------------------------


def test_gwangju_zone(seeded):
    zone = Zone.objects.get(slug="gwangju")
    assert (zone.name_ko, zone.name_en) == ("광주 인공지능 집적단지", "Gwangju AI Cluster")
    assert zone.kind == Zone.Kind.AI_CLUSTER
    assert zone.budget_krw == 426_900_000_000
    assert zone.designated_on.year == 2020


def test_gwangju_has_299_mous_of_which_150_opened_an_office(seeded):
    mous = Mou.objects.filter(zone__slug="gwangju")
    assert mous.count() == 299
    assert mous.filter(company__isnull=False).values("company").distinct().count() == 299
    offices = MouCommitment.objects.filter(mou__in=mous, kind="office_opening")
    assert offices.count() == 299
    assert offices.filter(actual_value=1).count() == 150
    assert offices.filter(actual_value__isnull=True).count() == 149


def test_gwangju_mou_statuses_follow_what_was_delivered(seeded):
    mous = Mou.objects.filter(zone__slug="gwangju").prefetch_related("commitments")
    statuses = Counter()
    for mou in mous:
        statuses[mou.status] += 1
        office = next(c for c in mou.commitments.all() if c.kind == "office_opening")
        if mou.status == Mou.Status.FULFILLED:
            assert all(c.is_delivered for c in mou.commitments.all())
        if mou.status == Mou.Status.PARTLY_FULFILLED:
            assert office.is_delivered and not all(c.is_delivered for c in mou.commitments.all())
        if mou.status in (Mou.Status.LAPSED, Mou.Status.TERMINATED):
            assert office.actual_value is None
    assert {"fulfilled", "partly_fulfilled", "in_progress", "lapsed"} <= set(statuses)


def test_gwangju_promises_exceed_deliveries(seeded):
    for kind in ("jobs", "investment"):
        totals = MouCommitment.objects.filter(mou__zone__slug="gwangju", kind=kind).aggregate(
            promised=Sum("promised_value"), actual=Sum("actual_value")
        )
        assert 0 < totals["actual"] < totals["promised"]


def test_compute_call_has_a_3_to_1_competition_ratio_and_allocations_point_to_applications(seeded):
    call = Call.objects.get(program__zone__slug="gwangju", program__kind="compute", code="2025-1")
    assert call.closes_at.year == 2025
    assert call.closes_at < timezone.now()
    applications = Application.objects.filter(call=call)
    awarded = applications.filter(status__in=Application.AWARDED_STATUSES)
    assert applications.count() / awarded.count() == 3.0
    assert set(applications.exclude(status__in=Application.AWARDED_STATUSES).values_list("status", flat=True)) <= {
        "rejected",
        "under_review",
    }
    allocations = ComputeAllocation.objects.filter(application__call=call)
    assert allocations.count() == awarded.count()
    for allocation in allocations:
        assert allocation.company_id == allocation.application.company_id
        assert allocation.gpu_hours > 0 and allocation.value_krw > 0


def test_compute_call_has_a_rubric_and_scored_reviews(seeded):
    call = Call.objects.get(program__zone__slug="gwangju", program__kind="compute", code="2025-1")
    assert RubricCriterion.objects.filter(call=call).aggregate(total=Sum("weight"))["total"] == 100
    reviews = Review.objects.filter(application__call=call, submitted_at__isnull=False)
    assert reviews.exists()
    assert set(reviews.values_list("reviewer__username", flat=True)) == {
        "reviewer.kim",
        "reviewer.lee",
        "reviewer.park",
    }
    for review in reviews:
        assert review.scores.count() == RubricCriterion.objects.filter(call=call).count()


def test_calls_of_every_kind_a_company_applies_to_are_open_today(seeded):
    open_calls = {(c.program.zone.slug, c.program.kind) for c in Call.objects.open().select_related("program__zone")}
    assert open_calls == {
        ("gwangju", "tenancy"),  # the AI startup camp
        ("gwangju", "compute"),
        ("gwangju", "training"),
        ("yangjae", "tenancy"),  # the Seoul AI Hub
        ("yangjae", "exemption"),
    }
    # The training call's cohort has not started: a company can choose it.
    training = Call.objects.open().get(program__kind="training")
    assert [str(c) for c in cohort_choices(training)] == ["광주 AI사관학교 기업 맞춤반 (수시)"]


# --- training ------------------------------------------------------------------------------------------


def test_training_programs_cohorts_and_outcomes(seeded):
    capacities = dict(TrainingProgram.objects.values_list("track", "annual_capacity"))
    assert capacities["campus_town"] == 6_000
    assert capacities["youth_academy"] == 4_000
    assert TrainingProgram.objects.filter(zone__slug="gwangju", track="ai_academy").exists()
    enrolments = Enrolment.objects.all()
    assert 100 <= enrolments.count() <= 600
    assert set(enrolments.values_list("status", flat=True)) == {
        "applied",
        "enrolled",
        "completed",
        "dropped",
        "employed",
    }
    hires = Counter(
        enrolments.filter(status="employed", employed_by__isnull=False).values_list("employed_by__name_ko", flat=True)
    )
    assert hires.most_common(1)[0] == ("페르소나AI", 10)
    employed = enrolments.filter(status="employed")
    assert not employed.filter(employed_by__isnull=True, employer_name="").exists()
    zone_company_ids = set(
        Company.objects.filter(Q(tenancies__isnull=False) | Q(mous__isnull=False)).values_list("pk", flat=True)
    )
    assert set(employed.exclude(employed_by=None).values_list("employed_by", flat=True)) <= zone_company_ids


def test_trainees_are_fictional_people_with_consent_and_retention(seeded):
    trainees = Trainee.objects.all()
    assert not trainees.filter(Q(consent_purpose="") | Q(retention_until__isnull=True)).exists()
    assert not trainees.exclude(email__endswith="@example.com").exists()
    assert trainees.filter(phone="").count() == trainees.count()


# --- validity and history ------------------------------------------------------------------------------


def test_every_business_registration_number_is_valid_and_unique(seeded):
    brns = list(Company.objects.values_list("brn", flat=True))
    assert len(brns) == len(set(brns))
    for brn in brns:
        validate_brn(brn)


def test_a_sample_of_every_model_passes_full_clean(seeded):
    for model in domain_models():
        rows = list(model._default_manager.order_by("pk"))
        assert rows, f"no {model.__name__} seeded"
        for obj in rows[:: max(1, len(rows) // 15)] + rows[-1:]:
            obj.full_clean()


def test_every_seeded_record_has_its_creation_history(seeded):
    for model in domain_models():
        if not hasattr(model, "history"):  # documents, revisions, messages, transitions: written once, never edited
            continue
        created = model.history.filter(history_type="+").values("id").distinct().count()
        assert created == model._default_manager.count(), model.__name__
    # The AI fields of a company are in its history too.
    company = Company.objects.filter(tenancies__zone__slug="yangjae").first()
    first = company.history.earliest("history_date")
    assert set(first.ai_fields.values_list("aifield_id", flat=True)) == set(
        company.ai_fields.values_list("pk", flat=True)
    )


# --- application forms and the portal ---------------------------------------------------------------------


def test_every_call_has_an_application_form_with_a_condition_and_a_required_file(seeded):
    for call in Call.objects.all():
        sections = FormSection.objects.filter(call=call)
        assert 2 <= sections.count() <= 3, call
        questions = FormQuestion.objects.filter(section__call=call)
        assert questions.filter(show_if_question__isnull=False).exists(), call
        assert questions.filter(kind="file", required=True).exists(), call
        keys = list(questions.values_list("key", flat=True))
        assert len(keys) == len(set(keys)), call
    assert set(FormQuestion.objects.values_list("kind", flat=True)) == set(FormQuestion.Kind.values)


def test_the_portal_applications_have_revisions_documents_transitions_and_messages(seeded):
    screening = Application.objects.get(company__name_ko="써니팩토리", call__code="rolling")
    assert screening.status == "screening"
    assert missing_items(screening) == []
    revision = screening.revisions.get()
    assert revision.form_version == screening.call.form_version
    assert revision.form_snapshot["sections"][2]["questions"][0]["key"] == "business_plan"
    assert revision.core_fields["requested_gpu_hours"] == 2_400
    assert [d.question_key for d in revision.documents.all()] == ["business_plan"]
    assert list(screening.transitions.values_list("to_status", flat=True)) == ["submitted", "screening"]
    assert (
        screening.messages.filter(from_office=True).exists() and screening.messages.filter(from_office=False).exists()
    )

    asked = Application.objects.get(company__name_ko="양재비전랩", call__program__kind="exemption")
    assert asked.status == "info_requested"
    assert asked.messages.get(kind="info_request").due_on is not None
    assert asked.transitions.order_by("at").last().to_status == "info_requested"

    draft = Application.objects.get(company__name_ko="서초로보틱스", call__program__kind="exemption")
    assert draft.status == "draft" and not draft.revisions.exists()
    assert any("사업계획서" in item for item in missing_items(draft))


def test_demo_documents_are_real_pdfs_that_pass_the_upload_check(seeded):
    documents = ApplicationDocument.objects.all()
    assert documents.exists()
    for document in documents:
        with document.file.open("rb") as stored:
            data = stored.read()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (document.size, document.sha256)
        assert validate_upload(ContentFile(data, name=document.original_name)) == "application/pdf"


def test_company_portal_rows(seeded):
    assert CompanyInvitation.objects.filter(
        accepted_at__isnull=False, accepted_by__username="member.visionlab"
    ).exists()
    assert CompanyInvitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()).exists()
    assert CompanyClaim.objects.get(user__username="claimant.persona").status == "pending"
    assert set(SelfReport.objects.values_list("status", flat=True)) == {"locked", "submitted", "returned"}


# --- people --------------------------------------------------------------------------------------------


def test_zone_officers_are_staff_in_the_zone_office_group_and_linked_to_their_zone(seeded):
    group = Group.objects.get(name="Zone office")
    for slug in ("yangjae", "gwangju"):
        officer = get_user_model().objects.get(username=f"officer.{slug}")
        assert officer.is_staff and not officer.is_superuser
        assert officer.groups.filter(pk=group.pk).exists()
        assert ZoneStaff.objects.filter(user=officer, zone__slug=slug, role="officer", is_active=True).exists()
        assert officer.has_perm("companies.change_mou")
        assert officer.has_perm("programs.view_application")
        assert not officer.has_perm("companies.delete_mou")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert not [c for c in codenames if c.startswith("delete_")]
    for model in domain_models():
        for action in ("view", "add", "change"):
            assert f"{action}_{model._meta.model_name}" in codenames


def test_reviewers_and_company_owners(seeded):
    reviewers = ZoneStaff.objects.filter(zone__slug="gwangju", role="reviewer")
    assert reviewers.count() == 3
    # Reviewers log in to the admin, where they see only the reviews and applications assigned to them.
    assert reviewers.filter(user__is_staff=True, user__is_superuser=False).count() == 3
    owners = CompanyMember.objects.filter(role="owner", is_active=True)
    assert owners.count() >= 3
    assert owners.filter(user__username="owner.robotics", company__name_ko="서초로보틱스").exists()


def test_the_kpi_measures_give_the_seeds_figures(seeded):
    from zones.selectors import kpi_report

    def figures(slug):
        zone = Zone.objects.get(slug=slug)
        return {row["code"]: row["value"] for row in kpi_report(zone, "quarter", dt.date(2025, 7, 1))}

    yangjae, gwangju = figures("yangjae"), figures("gwangju")
    # Seoul AI Hub: 100 resident, 110 graduated, 163 membership companies.
    assert (yangjae["companies_residents"], yangjae["companies_graduates"], yangjae["companies_membership"]) == (
        100,
        110,
        163,
    )
    # Gwangju: 299 MOUs signed, 150 of which actually opened an office (50.2 %).
    assert (gwangju["mous_signed"], gwangju["mous_office_opened"]) == (299, 150)
    assert round(gwangju["mous_conversion_rate"], 1) == Decimal("50.2")
