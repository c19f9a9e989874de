"""A company's whole way in, in a real Chromium: sign up, confirm, register, apply with an upload, submit,
follow the status; then the zone office finds the application in the admin."""

import re

import pytest
from django.core import mail

from programs.models import Application, FormQuestion, FormSection
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def open_call(db):
    zone = factories.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    program = factories.ProgramFactory(zone=zone, kind="tenancy", name_ko="서울 AI 허브 입주 지원")
    call = factories.CallFactory(program=program, title_ko="2026년 서울 AI 허브 입주기업 모집")
    section = FormSection.objects.create(call=call, order=1, title_ko="사업 계획")
    FormQuestion.objects.create(
        section=section, order=1, key="business-plan", kind="file", label_ko="사업계획서", required=True
    )
    return call


@pytest.mark.django_db(transaction=True)
def test_company_signs_up_applies_with_an_upload_and_the_office_finds_it(page, live_server, open_call, tmp_path):
    mail.outbox.clear()
    # Sign up and confirm the address by the emailed link.
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "ceo@visionlab.example.kr")
    page.fill("input[name=password1]", "Yangjae-AI-2026!")
    page.fill("input[name=password2]", "Yangjae-AI-2026!")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert mail.outbox, "no confirmation email was sent"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/portal/"))

    # Register the company: a wrong check digit first, then the right number.
    page.get_by_role("link", name=re.compile("기업 등록|Register a company")).first.click()
    page.fill("#id_name_ko", "양재비전랩 주식회사")
    page.fill("#id_brn", "220-81-62518")
    page.select_option("#id_size", "startup")
    page.locator("form button[type=submit]").last.click()
    assert page.locator("#id_brn").input_value() == "220-81-62518"
    assert page.get_by_text(re.compile("검증|check digit")).first.is_visible()
    page.fill("#id_brn", "220-81-62517")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/portal/"))

    # Find the open call and apply.
    page.goto("/portal/calls/")
    page.get_by_role("link", name="2026년 서울 AI 허브 입주기업 모집").first.click()
    page.locator("form[action$='/apply/'] button[type=submit]").click()
    page.fill("#id_title", "비전 AI 입주 신청")
    if page.locator("#id_summary").count():
        page.fill("#id_summary", "양재 AI 허브에서 비전 AI 제품을 개발합니다.")
    page.locator("button[name=action][value=next]").click()

    plan = tmp_path / "사업계획서.pdf"
    plan.write_bytes(PDF)
    page.locator("input[type=file]").first.set_input_files(str(plan))
    page.locator("button[name=action][value=next]").click()

    page.locator("form[action*='/submit'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/portal/applications/\d+/"))
    assert page.get_by_text(re.compile("제출|Submitted")).first.is_visible()

    application = Application.objects.get(company__brn="2208162517")
    assert application.status == Application.Status.SUBMITTED
    assert application.documents.get().original_name == "사업계획서.pdf"
    assert application.revisions.count() == 1

    # The zone office finds it in the admin.
    factories.SuperUserFactory(username="office", password="office-pass-123")
    page.goto("/admin/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "office-pass-123")
    page.locator("input[type=submit]").click()
    page.goto("/admin/programs/application/?q=양재비전랩")
    assert page.get_by_role("link", name=re.compile("양재비전랩")).first.is_visible()
