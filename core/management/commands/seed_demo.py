"""Load the demo data: Yangjae AI special zone (Seoul) and the Gwangju AI cluster. Safe to run again."""

import time

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation

from core.demo import seed

DEFAULT_PASSWORD = "demo-pass-2025"  # noqa: S105 - the published demo password, documented in the README
SUMMARY_APPS = ("zones", "companies", "programs")

# Korean labels for the summary (English comes from the model's verbose name).
KOREAN_LABELS = {
    "zone": "특구",
    "zonestaff": "특구 직원",
    "zonepartner": "협력기관",
    "zonetarget": "연도별 목표",
    "projectarea": "사업구역",
    "subproject": "특화사업",
    "planoperator": "특화사업자",
    "planchange": "계획 변경",
    "specialcase": "규제특례",
    "exemptiongrant": "특례 활용 승인",
    "exemptionincident": "특례 사고 보고",
    "aifield": "AI 분야",
    "company": "기업",
    "companymember": "기업 구성원",
    "tenancy": "입주",
    "mou": "업무협약",
    "moucommitment": "협약 이행 약속",
    "program": "지원사업",
    "call": "공모",
    "rubriccriterion": "평가항목",
    "application": "신청서",
    "review": "심사",
    "reviewscore": "심사 점수",
    "fund": "펀드",
    "fundcommitment": "펀드 출자약정",
    "investment": "투자",
    "computeallocation": "컴퓨팅 자원 배분",
    "trainingprogram": "교육과정",
    "cohort": "기수",
    "trainee": "교육생",
    "enrolment": "수강",
}


def domain_models():
    """Every model of the domain apps, without django-simple-history's historical models."""
    for label in SUMMARY_APPS:
        for model in apps.get_app_config(label).get_models():
            if not hasattr(model, "instance_type"):
                yield model


class Command(BaseCommand):
    help = "데모 데이터 적재 (양재 AI 특구, 광주 AI 집적단지) / Load the demo data; running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo login (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        started = time.monotonic()
        ctx = seed(password=password)
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"데모 데이터 적재 완료 / Demo data loaded ({elapsed:.1f} s)"))
        with translation.override("en"):
            for model in domain_models():
                korean = KOREAN_LABELS.get(model._meta.model_name, model._meta.model_name)
                english = str(model._meta.verbose_name_plural)
                self.stdout.write(f"  {korean} / {english}: {model._default_manager.count():,}")
        self.stdout.write(f"  사용자 / users: {get_user_model().objects.count():,}")

        self.stdout.write("")
        self.stdout.write("데모 로그인 / Demo logins (http://127.0.0.1:8000/admin/ for staff):")
        for username, role in ctx.logins:
            self.stdout.write(f"  {username:<22} {role}  password={password}")
