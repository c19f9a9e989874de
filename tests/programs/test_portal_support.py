"""Shared builders of the portal tests (imported by the test_portal_* modules and the service tests):
a compute call with a two-section form, a company and its member, a complete draft, a small real PDF."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programs.form_builder import core_form_class, section_form
from programs.models import Application, FormQuestion, FormSection, Program
from programs.services.applications import application_start
from programs.services.forms import application_save_core, application_save_section
from tests import factories as f

PASSWORD = "pass-word-123"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


def pdf_upload(name: str = "사업계획서.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def member_of(company=None, **user_kwargs):
    """A user acting for `company` (a new one if not given)."""
    company = company or f.CompanyFactory()
    user = f.UserFactory(**user_kwargs)
    f.CompanyMemberFactory(company=company, user=user)
    return user


def call_with_form(zone=None, **call_kwargs):
    """A compute call whose form asks for a plan, whether there is a partner (and then its name), and a
    business plan file."""
    program = f.ProgramFactory(zone=zone or f.ZoneFactory(), kind=Program.Kind.COMPUTE)
    call = f.CallFactory(program=program, gpu_hours_available=5_000, **call_kwargs)
    plan = FormSection.objects.create(call=call, order=1, title_ko="사업 계획", title_en="Business plan")
    FormQuestion.objects.create(
        section=plan,
        order=1,
        key="plan",
        kind=FormQuestion.Kind.LONG_TEXT,
        label_ko="컴퓨팅 자원 활용 계획",
        label_en="How you will use the compute",
        required=True,
    )
    partner = FormQuestion.objects.create(
        section=plan,
        order=2,
        key="has_partner",
        kind=FormQuestion.Kind.YES_NO,
        label_ko="협력기관이 있습니까?",
        label_en="Do you have a partner?",
        required=True,
    )
    FormQuestion.objects.create(
        section=plan,
        order=3,
        key="partner_name",
        kind=FormQuestion.Kind.SHORT_TEXT,
        label_ko="협력기관명",
        label_en="Partner's name",
        required=True,
        show_if_question=partner,
        show_if_values=["yes"],
    )
    documents = FormSection.objects.create(call=call, order=2, title_ko="제출 서류", title_en="Documents")
    FormQuestion.objects.create(
        section=documents,
        order=1,
        key="business_plan",
        kind=FormQuestion.Kind.FILE,
        label_ko="사업계획서",
        label_en="Business plan",
        required=True,
    )
    return call


def sections(call) -> list[FormSection]:
    return list(call.form_sections.order_by("order"))


def fill(application: Application, user, *, plan: str = "H100 200시간으로 한국어 음성 모델 학습", upload: bool = True):
    """Answer every step through the form services, as the portal does."""
    call = application.call
    core = core_form_class(call)(
        data={"title": "음성 인식 모델 학습", "summary": "요약", "requested_gpu_hours": "1200"}, instance=application
    )
    assert core.is_valid(), core.errors
    application = application_save_core(application=application, form=core, acting_user=user)
    first, second = sections(call)
    form = section_form(section=first, application=application, data={"plan": plan, "has_partner": "no"})
    assert form.is_valid(), form.errors
    application = application_save_section(application=application, section=first, form=form, acting_user=user)
    if upload:
        form = section_form(section=second, application=application, data={}, files={"business_plan": pdf_upload()})
        assert form.is_valid(), form.errors
        application = application_save_section(application=application, section=second, form=form, acting_user=user)
    return application


def complete_draft(call=None, user=None, company=None):
    """A draft with every required answer and the business plan uploaded; returns (application, user)."""
    call = call or call_with_form()
    company = company or f.CompanyFactory()
    user = user or member_of(company)
    application = application_start(call=call, company=company, acting_user=user)
    return fill(application, user), user


def close(call) -> None:
    """The call's window ends: it closed an hour ago."""
    now = timezone.now()
    type(call).objects.filter(pk=call.pk).update(
        opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(hours=1)
    )
    call.refresh_from_db()
