"""The company portal's side of the demo: calls open today, every call's application form, and what the
demo companies did on the portal (applications with revisions, documents, transitions and messages;
self-reports; an invitation and a claim).

Only what a company needs to see as "open" follows the calendar: the open calls' windows, the cohort the
training call recruits for, and the dates of the applications to those calls (counted from the call's
opening). Everything else has fixed dates.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from companies.models import Company, CompanyClaim, CompanyInvitation, CompanyMember, SelfReport
from core.demo import forms as demo_forms
from core.demo.common import BRN_GWANGJU, Context, at, demo_brn, upsert
from core.demo.people import ensure_user
from core.uploads import PDF
from programs.form_builder import form_snapshot
from programs.models import (
    Application,
    ApplicationDocument,
    ApplicationMessage,
    ApplicationRevision,
    ApplicationTransition,
    Call,
    Cohort,
    Program,
    TrainingProgram,
)
from zones.models import SpecialCase, Zone

Status = Application.Status
# The application's own fields a revision freezes (as programs.services.applications does).
CORE_FIELDS = ("title", "summary", "requested_amount_krw", "requested_gpu_hours", "special_case", "cohort")


def build(ctx: Context) -> None:
    calls = build_open_calls(ctx)
    for call in Call.objects.filter(program__zone__in=ctx.zones.values()).select_related("program").order_by("pk"):
        demo_forms.build_form(call)
    build_applications(ctx, calls)
    build_company_portal(ctx)


# --- calls open today ----------------------------------------------------------------------------------------


def _window(ctx: Context, opened_days_ago: int, closes_in_days: int) -> dict:
    return {
        "opens_at": at(ctx.today - dt.timedelta(days=opened_days_ago)),
        "closes_at": at(ctx.today + dt.timedelta(days=closes_in_days), 18),
        "is_published": True,
    }


def build_open_calls(ctx: Context) -> dict[str, Call]:
    """A call of each kind a company most often applies to, open today: tenancy, compute, special case use,
    training."""
    yangjae, gwangju = ctx.zones["yangjae"], ctx.zones["gwangju"]
    hub = upsert(
        Program,
        {"zone": yangjae, "code": "seoul-ai-hub-tenancy"},
        name_ko="서울 AI 허브 입주 지원",
        name_en="Seoul AI Hub tenancy",
        kind=Program.Kind.TENANCY,
        description="양재 서울 AI 허브 앵커시설 및 협력 건물 입주 공간 (입주 100개, 졸업 110개 기업).",
    )
    exemption = upsert(
        Program,
        {"zone": yangjae, "code": "yangjae-special-case-use"},
        name_ko="양재 AI 특구 규제특례 활용",
        name_en="Yangjae AI zone: use of special cases",
        kind=Program.Kind.EXEMPTION,
        description="특구계획에 특화사업자로 지정된 기업·기관의 규제특례 활용 신청 (특허법, 출입국관리법 등 6건).",
    )
    compute = Program.objects.get(zone=gwangju, code="gwangju-ai-datacenter")
    training = upsert(
        Program,
        {"zone": gwangju, "code": "gwangju-academy-company-track"},
        name_ko="광주 AI사관학교 기업 맞춤 과정",
        name_en="Gwangju AI Academy: company track",
        kind=Program.Kind.TRAINING,
        description="집적단지 입주·협약 기업 재직자 대상 AI 실무 교육 (수료생 채용 연계).",
    )
    calls = {
        "tenancy": upsert(
            Call,
            {"program": hub, "code": "rolling"},
            title_ko="서울 AI 허브 입주기업 수시 모집",
            title_en="Seoul AI Hub: rolling call for tenants",
            eligibility_ko="AI 기술 기반 창업 7년 이내 기업",
            eligibility_en="AI companies under 7 years old",
            documents_required="사업계획서, 사업자등록증",
            awards_planned=10,
            **_window(ctx, 7, 45),
        ),
        "compute": upsert(
            Call,
            {"program": compute, "code": "rolling"},
            title_ko="AI데이터센터 GPU 컴퓨팅 자원 수시 지원",
            title_en="AI data centre: rolling call for GPU compute",
            eligibility_ko="광주에 사업장을 둔 AI 기업 (경쟁률 3:1)",
            eligibility_en="AI companies with an office in Gwangju (3:1 competition)",
            documents_required="과제 계획서, GPU 사용 계획",
            awards_planned=30,
            budget_krw=1_720_000_000,
            gpu_hours_available=40_000,
            **_window(ctx, 10, 40),
        ),
        "exemption": upsert(
            Call,
            {"program": exemption, "code": "rolling"},
            title_ko="양재 AI 특구 규제특례 활용 신청 (상시)",
            title_en="Yangjae AI zone: applications to use a special case (rolling)",
            eligibility_ko="특구계획에 특화사업자로 지정된 기업·기관",
            eligibility_en="Businesses named in the zone plan",
            documents_required="특례 활용 계획서, 책임보험 증권 (해당 시)",
            **_window(ctx, 30, 60),
        ),
        "training": upsert(
            Call,
            {"program": training, "code": "rolling"},
            title_ko="AI사관학교 기업 맞춤 과정 참여기업 모집",
            title_en="AI Academy company track: call for companies",
            eligibility_ko="광주 AI 집적단지 입주·협약 기업",
            eligibility_en="Companies resident in or under an MOU with the Gwangju AI cluster",
            awards_planned=12,
            **_window(ctx, 5, 25),
        ),
    }
    academy = TrainingProgram.objects.get(zone=gwangju, code="gwangju-ai-academy")
    starts_on = ctx.today + dt.timedelta(days=40)
    upsert(
        Cohort,
        {"training_program": academy, "name": "기업 맞춤반 (수시)"},
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=83),
        capacity=40,
    )
    return calls


# --- applications on the portal ------------------------------------------------------------------------------


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF saying `title` (ASCII)."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def ensure_document(application: Application, key: str, name: str, title: str, user) -> ApplicationDocument:
    """An uploaded PDF; the file is stored once under its content hash, so a re-run writes nothing."""
    data = demo_pdf(title)
    sha256 = hashlib.sha256(data).hexdigest()
    path = f"applications/demo/{sha256}"
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(data))
    return upsert(
        ApplicationDocument,
        {"application": application, "question_key": key, "original_name": name},
        file=path,
        content_type=PDF,
        size=len(data),
        sha256=sha256,
        uploaded_by=user,
    )


def core_fields(application: Application) -> dict:
    values: dict = {}
    for name in CORE_FIELDS:
        field = Application._meta.get_field(name)
        if field.is_relation:
            related = getattr(application, name)
            values[name] = None if related is None else {"id": related.pk, "label": str(related)}
        else:
            values[name] = getattr(application, name)
    return values


def _owned_company(ctx: Context, username: str) -> Company:
    return CompanyMember.objects.get(user=ctx.users[username], role=CompanyMember.Role.OWNER).company


def _transitions(application: Application, steps: list[tuple[str, str, object, dt.datetime, str]]) -> None:
    for from_status, to_status, actor, when, comment in steps:
        upsert(
            ApplicationTransition,
            {"application": application, "from_status": from_status, "to_status": to_status},
            actor=actor,
            at=when,
            comment=comment,
        )


def _submitted(
    application: Application, *, user, when: dt.datetime, document: ApplicationDocument
) -> ApplicationRevision:
    revision = upsert(
        ApplicationRevision,
        {"application": application, "number": 1},
        submitted_at=when,
        submitted_by=user,
        form_version=application.call.form_version,
        form_snapshot=form_snapshot(application.call),
        core_fields=core_fields(application),
        answers=application.answers,
    )
    revision.documents.set([document])
    return revision


def build_applications(ctx: Context, calls: dict[str, Call]) -> None:
    """Three demo owners on the portal: one application in screening with a message, one waiting for the
    company to answer a request for information, one draft."""
    officer_gwangju, officer_yangjae = ctx.users["officer.gwangju"], ctx.users["officer.yangjae"]

    # Sunny Factory (Gwangju): a GPU request in screening; the office wrote, the company answered.
    owner = ctx.users["owner.sunnyfactory"]
    call = calls["compute"]
    submitted_at = call.opens_at + dt.timedelta(days=2, hours=5)
    application = upsert(
        Application,
        {"call": call, "company": _owned_company(ctx, "owner.sunnyfactory")},
        status=Status.SCREENING,
        title="제조 공정 불량 검출 비전 모델 미세조정 GPU 지원 신청",
        summary="H100 2,400시간으로 제조 공정 불량 검출 비전 모델을 미세조정하고 추론을 최적화합니다.",
        requested_gpu_hours=2_400,
        answers=demo_forms.sample_answers(
            Program.Kind.COMPUTE, 0, starts_on=ctx.today + dt.timedelta(days=30), fields=("vision", "data-labelling")
        ),
        form_version=call.form_version,
        current_step=4,
        submitted_at=submitted_at,
    )
    plan = ensure_document(
        application, "business_plan", "과제계획서_써니팩토리.pdf", "Sunny Factory: project plan", owner
    )
    ensure_document(application, "supporting_documents", "GPU_사용계획.pdf", "Sunny Factory: GPU usage plan", owner)
    _submitted(application, user=owner, when=submitted_at, document=plan)
    _transitions(
        application,
        [
            (Status.DRAFT, Status.SUBMITTED, owner, submitted_at, ""),
            (Status.SUBMITTED, Status.SCREENING, officer_gwangju, submitted_at + dt.timedelta(days=1), ""),
        ],
    )
    upsert(
        ApplicationMessage,
        {"application": application, "from_office": True, "kind": ApplicationMessage.Kind.MESSAGE},
        author=officer_gwangju,
        body="GPU 사용 희망 기간에 H100 잔여 시간이 부족할 수 있습니다. A100으로 일부 대체가 가능한지 알려 주세요.",
        created_at=submitted_at + dt.timedelta(days=1, hours=2),
    )
    upsert(
        ApplicationMessage,
        {"application": application, "from_office": False, "kind": ApplicationMessage.Kind.MESSAGE},
        author=owner,
        body="추론 최적화 단계(약 600시간)는 A100으로 진행해도 괜찮습니다.",
        created_at=submitted_at + dt.timedelta(days=1, hours=6),
    )

    # Yangjae Vision Lab: the office asked for more information; the company has to answer and resubmit.
    owner = ctx.users["owner.visionlab"]
    call = calls["exemption"]
    submitted_at = call.opens_at + dt.timedelta(days=3, hours=2)
    patent_case = SpecialCase.objects.get(zone=ctx.zones["yangjae"], code="YJ-SC-01")
    application = upsert(
        Application,
        {"call": call, "company": _owned_company(ctx, "owner.visionlab")},
        status=Status.INFO_REQUESTED,
        title="AI 영상 분석 특허 우선심사 특례 활용 신청",
        summary="특구 특화사업(AI 특허·지식재산 지원)과 관련된 AI 영상 분석 특허 2건의 우선심사.",
        special_case=patent_case,
        answers=demo_forms.sample_answers(
            Program.Kind.EXEMPTION, 0, starts_on=ctx.today + dt.timedelta(days=14), fields=("vision",)
        ),
        form_version=call.form_version,
        current_step=4,
        submitted_at=submitted_at,
    )
    plan = ensure_document(
        application, "business_plan", "특례활용계획서_양재비전랩.pdf", "Yangjae Vision Lab: plan", owner
    )
    _submitted(application, user=owner, when=submitted_at, document=plan)
    request = "특구 특화사업과의 관련성 확인서를 첨부하고, 특허 2건의 출원 예정일을 사업 내용에 적어 주세요."
    _transitions(
        application,
        [
            (Status.DRAFT, Status.SUBMITTED, owner, submitted_at, ""),
            (Status.SUBMITTED, Status.SCREENING, officer_yangjae, submitted_at + dt.timedelta(days=1), ""),
            (Status.SCREENING, Status.INFO_REQUESTED, officer_yangjae, submitted_at + dt.timedelta(days=2), request),
        ],
    )
    upsert(
        ApplicationMessage,
        {"application": application, "from_office": True, "kind": ApplicationMessage.Kind.INFO_REQUEST},
        author=officer_yangjae,
        body=request,
        due_on=(submitted_at + dt.timedelta(days=16)).date(),
        created_at=submitted_at + dt.timedelta(days=2),
    )

    # Seocho Robotics: a draft, the basics and the overview written, the rest still to do.
    call = calls["exemption"]
    road_case = SpecialCase.objects.get(zone=ctx.zones["yangjae"], code="YJ-SC-05")
    answers = demo_forms.sample_answers(Program.Kind.EXEMPTION, 1, starts_on=ctx.today, fields=("robotics", "vision"))
    upsert(
        Application,
        {"call": call, "company": _owned_company(ctx, "owner.robotics")},
        status=Status.DRAFT,
        title="양재천 자율주행 배송로봇 실증 구간 확대",
        summary="",
        special_case=road_case,
        answers={key: answers[key] for key in ("stage", "ai_fields", "description", "employees")},
        form_version=call.form_version,
        current_step=2,
    )


# --- the company portal: team, claims, self-reports ----------------------------------------------------------


def build_company_portal(ctx: Context) -> None:
    visionlab = _owned_company(ctx, "owner.visionlab")
    robotics = _owned_company(ctx, "owner.robotics")
    sunny = _owned_company(ctx, "owner.sunnyfactory")
    owner = ctx.users["owner.visionlab"]

    # A colleague invited by the owner, who accepted and now acts for the company.
    member = ensure_user(ctx, "member.visionlab", last_name="서", first_name="예린", is_staff=False)
    upsert(
        CompanyInvitation,
        {"company": visionlab, "email": member.email},
        role=CompanyMember.Role.MEMBER,
        invited_by=owner,
        expires_at=at(dt.date(2025, 3, 10), 18),
        accepted_at=at(dt.date(2025, 3, 4), 10),
        accepted_by=member,
        created_at=at(dt.date(2025, 3, 3), 15),
    )
    upsert(
        CompanyMember,
        {"company": visionlab, "user": member},
        role=CompanyMember.Role.MEMBER,
        is_active=True,
        invited_by=owner,
    )
    ctx.logins.append(("member.visionlab", f"{visionlab.name_ko} 구성원 / member"))
    # An invitation still waiting (its expiry follows the calendar, like the open calls).
    upsert(
        CompanyInvitation,
        {"company": robotics, "email": "cto@robotics.example.com"},
        role=CompanyMember.Role.MEMBER,
        invited_by=ctx.users["owner.robotics"],
        expires_at=at(ctx.today + dt.timedelta(days=7), 18),
    )

    # A registered company without an owner yet, claimed by one of its people: the office decides.
    persona = Company.objects.get(brn=demo_brn(BRN_GWANGJU, office=410))
    claimant = ensure_user(ctx, "claimant.persona", last_name="문", first_name="가은", is_staff=False)
    upsert(
        CompanyClaim,
        {"company": persona, "user": claimant},
        position="경영지원팀장",
        message="페르소나AI의 포털 계정을 관리하려고 합니다. 재직증명서를 보내드릴 수 있습니다.",
        status=CompanyClaim.Status.PENDING,
    )
    ctx.logins.append(("claimant.persona", "기업 소유 확인 대기 / company claim pending"))

    # Quarterly self-reports: one accepted and locked, one submitted, one returned for changes.
    officer_yangjae = ctx.users["officer.yangjae"]
    _self_report(
        visionlab,
        ctx.zones["yangjae"],
        2025,
        2,
        SelfReport.Status.LOCKED,
        owner,
        figures=(27, 310_000_000, 0, 1, 3),
        locked_by=officer_yangjae,
    )
    _self_report(
        visionlab,
        ctx.zones["yangjae"],
        2025,
        3,
        SelfReport.Status.SUBMITTED,
        owner,
        figures=(29, 365_000_000, 1_500_000_000, 2, 2),
    )
    _self_report(
        sunny,
        ctx.zones["gwangju"],
        2025,
        3,
        SelfReport.Status.RETURNED,
        ctx.users["owner.sunnyfactory"],
        figures=(41, 820_000_000, 0, 0, 6),
        comment="신규 채용 6명의 4대보험 가입 명부를 첨부해 다시 제출해 주세요.",
    )


def _self_report(
    company: Company,
    zone: Zone,
    year: int,
    quarter: int,
    status: str,
    user,
    *,
    figures: tuple[int, int, int, int, int],
    comment: str = "",
    locked_by=None,
) -> SelfReport:
    headcount, revenue, investment, patents, jobs = figures
    quarter_end = dt.date(year, quarter * 3, 30 if quarter in (2, 3) else 31)
    submitted = at(quarter_end + dt.timedelta(days=10), 14)
    return upsert(
        SelfReport,
        {"company": company, "zone": zone, "year": year, "quarter": quarter},
        status=status,
        headcount=headcount,
        revenue_krw=revenue,
        investment_raised_krw=investment,
        patents=patents,
        jobs_created=jobs,
        note="데모 자가보고",
        submitted_at=submitted,
        submitted_by=user,
        office_comment=comment,
        locked_at=at(quarter_end + dt.timedelta(days=20), 11) if locked_by else None,
        locked_by=locked_by,
    )
