"""The application forms of the demo calls: an overview, a section for the program kind, and documents.

Every kind of question appears (text, number, money, date, single and multiple choice, yes/no, one file,
several files), each kind's section has a question shown only for one answer of an earlier one, and the
documents section asks for a required business plan. `sample_answers` gives a complete, valid set of
answers for a demo application.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.demo.common import upsert
from core.demo.people import AI_FIELDS
from programs.models import Call, FormQuestion, FormSection, Program

Kind = FormQuestion.Kind


@dataclass(frozen=True)
class Q:
    key: str
    kind: str
    ko: str
    en: str
    required: bool = False
    help_ko: str = ""
    help_en: str = ""
    choices: tuple[tuple[str, str, str], ...] = ()  # (value, ko, en)
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None
    show_if: tuple[str, tuple[str, ...]] | None = None  # (key of an earlier question, answers that show this one)


@dataclass(frozen=True)
class S:
    ko: str
    en: str
    help_ko: str = ""
    help_en: str = ""
    questions: tuple[Q, ...] = field(default_factory=tuple)


OVERVIEW = S(
    "사업 개요",
    "Business overview",
    "회사와 사업을 간단히 소개해 주세요.",
    "Tell us briefly about your company and business.",
    (
        Q(
            "stage",
            Kind.SINGLE_CHOICE,
            "사업 단계",
            "Business stage",
            required=True,
            choices=(
                ("idea", "아이디어", "Idea"),
                ("prototype", "시제품", "Prototype"),
                ("early_revenue", "초기 매출", "Early revenue"),
                ("growth", "성장", "Growth"),
            ),
        ),
        Q(
            "ai_fields",
            Kind.MULTIPLE_CHOICE,
            "AI 분야 (복수 선택)",
            "AI fields (choose all that apply)",
            required=True,
            choices=tuple(AI_FIELDS),
        ),
        Q(
            "description",
            Kind.LONG_TEXT,
            "사업 내용",
            "What the business does",
            required=True,
            help_ko="주요 제품·서비스와 사용하는 AI 기술을 2,000자 이내로 설명해 주세요.",
            help_en="Main products or services and the AI they use, in 2,000 characters or fewer.",
            max_length=2_000,
        ),
        Q("employees", Kind.NUMBER, "상시 근로자 수", "Full-time employees", required=True, min_value=0),
        Q(
            "revenue_last_year",
            Kind.MONEY,
            "전년도 매출액",
            "Revenue last year",
            help_ko="원 단위로 적어 주세요. 매출이 없으면 비워 두세요.",
            help_en="In won. Leave empty if there was none.",
        ),
    ),
)

DOCUMENTS = S(
    "제출 서류",
    "Documents",
    "PDF, 이미지, 오피스 문서(한글 포함)를 파일당 20MB까지 올릴 수 있습니다.",
    "PDF, images and office documents (HWP included), up to 20 MB each.",
    (
        Q(
            "business_plan",
            Kind.FILE,
            "사업계획서",
            "Business plan",
            required=True,
            help_ko="공고문의 서식을 사용해 주세요.",
            help_en="Use the template attached to the call.",
        ),
        Q(
            "supporting_documents",
            Kind.FILES,
            "기타 증빙자료 (여러 개 가능)",
            "Other supporting documents (several allowed)",
            help_ko="특허, 인증, 투자 계약서 등",
            help_en="Patents, certifications, investment agreements, ...",
        ),
    ),
)

YES_ONLY = ("yes",)
NO_ONLY = ("no",)

KIND_SECTIONS: dict[str, S] = {
    Program.Kind.TENANCY: S(
        "입주 계획",
        "Tenancy plan",
        questions=(
            Q(
                "space_m2",
                Kind.NUMBER,
                "희망 면적 (㎡)",
                "Space wanted (m²)",
                required=True,
                min_value=10,
                max_value=500,
            ),
            Q("move_in_on", Kind.DATE, "입주 희망일", "Wished move-in date", required=True),
            Q("needs_gpu", Kind.YES_NO, "GPU 등 컴퓨팅 자원이 필요합니까?", "Do you need GPU compute?", required=True),
            Q(
                "gpu_plan",
                Kind.LONG_TEXT,
                "컴퓨팅 자원 활용 계획",
                "How you will use the compute",
                required=True,
                max_length=1_000,
                show_if=("needs_gpu", YES_ONLY),
            ),
        ),
    ),
    Program.Kind.COMPUTE: S(
        "컴퓨팅 자원 활용 계획",
        "Compute plan",
        questions=(
            Q(
                "workload",
                Kind.SINGLE_CHOICE,
                "주요 작업",
                "Main workload",
                required=True,
                choices=(
                    ("training", "모델 학습", "Model training"),
                    ("fine_tuning", "미세조정", "Fine-tuning"),
                    ("inference", "추론 서비스", "Inference service"),
                ),
            ),
            Q(
                "gpu_model",
                Kind.SINGLE_CHOICE,
                "희망 GPU",
                "GPU wanted",
                required=True,
                choices=(
                    ("h100", "NVIDIA H100", "NVIDIA H100"),
                    ("a100", "NVIDIA A100", "NVIDIA A100"),
                    ("any", "무관", "Any"),
                ),
            ),
            Q("start_on", Kind.DATE, "사용 시작 희망일", "Wished start date", required=True),
            Q(
                "dataset_ready",
                Kind.YES_NO,
                "학습 데이터를 확보했습니까?",
                "Is your training data ready?",
                required=True,
            ),
            Q(
                "dataset_plan",
                Kind.LONG_TEXT,
                "데이터 확보 계획",
                "How you will get the data",
                required=True,
                max_length=1_000,
                show_if=("dataset_ready", NO_ONLY),
            ),
        ),
    ),
    Program.Kind.EXEMPTION: S(
        "특례 활용 계획",
        "Use of the special case",
        "특례는 특구계획에 특화사업자로 지정된 기업만 활용할 수 있습니다.",
        "Only businesses named in the zone plan may use its special cases.",
        (
            Q("use_plan", Kind.LONG_TEXT, "특례 활용 계획", "How you will use the special case", required=True),
            Q("site", Kind.SHORT_TEXT, "실증 장소", "Where", required=True, max_length=200),
            Q("start_on", Kind.DATE, "활용 시작 희망일", "Wished start date", required=True),
            Q("insured", Kind.YES_NO, "책임보험에 가입했습니까?", "Do you hold liability insurance?", required=True),
            Q(
                "insurance_plan",
                Kind.LONG_TEXT,
                "보험 가입 계획",
                "How you will be insured",
                required=True,
                show_if=("insured", NO_ONLY),
            ),
        ),
    ),
    Program.Kind.TRAINING: S(
        "교육 참여 계획",
        "Training plan",
        questions=(
            Q("trainees", Kind.NUMBER, "참여 예정 인원", "Staff to train", required=True, min_value=1, max_value=40),
            Q(
                "roles",
                Kind.MULTIPLE_CHOICE,
                "참여자 직무",
                "Their roles",
                required=True,
                choices=(
                    ("developer", "개발자", "Developer"),
                    ("data", "데이터 담당", "Data"),
                    ("planner", "서비스 기획", "Product planning"),
                    ("manager", "관리자", "Management"),
                ),
            ),
            Q("hire_intent", Kind.YES_NO, "수료생 채용 계획이 있습니까?", "Will you hire graduates?", required=True),
            Q(
                "hires",
                Kind.NUMBER,
                "채용 예정 인원",
                "Graduates you plan to hire",
                required=True,
                min_value=1,
                show_if=("hire_intent", YES_ONLY),
            ),
        ),
    ),
}
FUNDING = S(
    "자금 활용 계획",
    "Use of funds",
    questions=(
        Q(
            "use_of_funds",
            Kind.MULTIPLE_CHOICE,
            "자금 사용처",
            "What the money is for",
            required=True,
            choices=(
                ("compute", "GPU 등 컴퓨팅", "GPU compute"),
                ("hiring", "인력 채용", "Hiring"),
                ("rnd", "연구개발", "R&D"),
                ("market", "마케팅·해외 진출", "Marketing and expansion abroad"),
            ),
        ),
        Q("plan", Kind.LONG_TEXT, "자금 활용 계획", "Spending plan", required=True, max_length=2_000),
        Q("prior_investment", Kind.YES_NO, "투자 유치 실적이 있습니까?", "Have you raised investment?", required=True),
        Q(
            "prior_investment_krw",
            Kind.MONEY,
            "누적 투자 유치 금액",
            "Investment raised so far",
            required=True,
            show_if=("prior_investment", YES_ONLY),
        ),
    ),
)
for _kind in (Program.Kind.RND_GRANT, Program.Kind.DEMONSTRATION, Program.Kind.FUND):
    KIND_SECTIONS[_kind] = FUNDING


def sections_for(kind: str) -> list[S]:
    return [OVERVIEW, KIND_SECTIONS[kind], DOCUMENTS]


def build_form(call: Call) -> dict[str, FormQuestion]:
    """The call's sections and questions (found again by call and order, section and key)."""
    questions: dict[str, FormQuestion] = {}
    for section_order, spec in enumerate(sections_for(call.program.kind), start=1):
        section = upsert(
            FormSection,
            {"call": call, "order": section_order},
            title_ko=spec.ko,
            title_en=spec.en,
            help_ko=spec.help_ko,
            help_en=spec.help_en,
        )
        for order, q in enumerate(spec.questions, start=1):
            condition = questions[q.show_if[0]] if q.show_if else None
            questions[q.key] = upsert(
                FormQuestion,
                {"section": section, "key": q.key},
                order=order,
                kind=q.kind,
                label_ko=q.ko,
                label_en=q.en,
                help_ko=q.help_ko,
                help_en=q.help_en,
                required=q.required,
                choices=[{"value": value, "ko": ko, "en": en} for value, ko, en in q.choices],
                max_length=q.max_length,
                min_value=q.min_value,
                max_value=q.max_value,
                show_if_question=condition,
                show_if_values=list(q.show_if[1]) if q.show_if else [],
            )
    return questions


def sample_answers(kind: str, n: int, *, starts_on: dt.date, fields: tuple[str, ...] = ("vision",)) -> dict:
    """A complete set of answers (files aside) for the n-th demo application of a call of this kind."""
    answers: dict = {
        "stage": ("prototype", "early_revenue", "growth")[n % 3],
        "ai_fields": list(fields),
        "description": "영상·언어 AI 모델을 활용한 B2B 서비스를 개발·운영합니다. 주요 고객은 제조·물류 기업입니다.",
        "employees": 12 + 7 * n,
        "revenue_last_year": (3 + 2 * n) * 100_000_000,
    }
    if kind == Program.Kind.TENANCY:
        answers |= {"space_m2": 60 + 20 * n, "move_in_on": starts_on.isoformat(), "needs_gpu": "no"}
    elif kind == Program.Kind.COMPUTE:
        answers |= {
            "workload": ("fine_tuning", "training", "inference")[n % 3],
            "gpu_model": "h100",
            "start_on": starts_on.isoformat(),
            "dataset_ready": "no",
            "dataset_plan": "공공데이터 포털의 제조 공정 영상과 협력사 제공 데이터 12만 건을 가공하여 확보합니다.",
        }
    elif kind == Program.Kind.EXEMPTION:
        answers |= {
            "use_plan": "특구 내 특화사업과 관련하여 출원하는 AI 영상 분석 특허 2건에 우선심사 특례를 활용합니다.",
            "site": "서울 AI 허브 앵커시설 (서초구 태봉로 114)",
            "start_on": starts_on.isoformat(),
            "insured": "yes",
        }
    elif kind == Program.Kind.TRAINING:
        answers |= {"trainees": 5 + n, "roles": ["developer", "data"], "hire_intent": "yes", "hires": 2}
    else:
        answers |= {
            "use_of_funds": ["compute", "hiring"],
            "plan": "GPU 컴퓨팅 임차 60%, AI 엔지니어 채용 40%.",
            "prior_investment": "yes",
            "prior_investment_krw": 1_500_000_000,
        }
    return answers
