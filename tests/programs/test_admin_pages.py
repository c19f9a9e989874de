"""Every programs admin page renders, searches and filters; nothing can be deleted."""

import pytest
from django.contrib import admin
from django.core import checks
from django.test import RequestFactory
from django.urls import reverse

from programs.models import Application
from tests import factories
from tests.programs.cases import CASES, MODELS

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"admin:programs_{model}_{view}", args=args)


def programs_admins():
    return [model_admin for model, model_admin in admin.site._registry.items() if model._meta.app_label == "programs"]


def test_every_programs_model_is_registered():
    assert sorted(a.model._meta.model_name for a in programs_admins()) == sorted(MODELS)


def test_programs_admins_pass_the_system_checks():
    errors = [
        error
        for error in checks.run_checks(tags=[checks.Tags.admin])
        if getattr(error.obj, "__module__", "").startswith("programs")
    ]
    assert errors == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_changelist_renders_with_a_search_and_filters(admin_client, case):
    obj = case.build()

    response = admin_client.get(url(case.model, "changelist"), {"q": case.search(obj), **case.filters(obj)})

    assert response.status_code == 200
    assert obj.pk in [row.pk for row in response.context["cl"].result_list]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_add_page_renders(admin_client, case):
    assert admin_client.get(url(case.model, "add")).status_code == 200


@pytest.mark.parametrize("case", CASES, ids=str)
def test_change_and_history_pages_render(admin_client, case):
    obj = case.build()

    assert admin_client.get(url(case.model, "change", obj.pk)).status_code == 200
    assert admin_client.get(url(case.model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize("case", CASES, ids=str)
def test_nothing_can_be_deleted_even_by_a_superuser(admin_client, superuser, case):
    obj = case.build()
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(type(obj))

    assert not model_admin.has_delete_permission(request, obj)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert all(not inline.can_delete for inline in model_admin.get_inline_instances(request, obj))
    assert admin_client.get(url(case.model, "delete", obj.pk)).status_code == 403


ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_call_list_shows_applications_awards_and_competition_ratio(admin_client):
    call = factories.CallFactory(title_ko="AI 컴퓨팅 지원 공모")
    factories.ApplicationFactory.create_batch(4, call=call)
    factories.ApplicationFactory.create_batch(2, call=call, status=Application.Status.APPROVED)

    response = admin_client.get(url("call", "changelist"), **ENGLISH)

    row = response.context["cl"].result_list[0]
    assert (row.application_count, row.award_count) == (6, 2)
    assert "3.0 : 1" in response.content.decode()
    assert "Open" in response.content.decode()


def test_fund_list_shows_money_in_krw(admin_client):
    fund = factories.FundFactory(size_krw=500_000_000_000)
    factories.InvestmentFactory(fund=fund, amount_krw=1_800_000_000)

    content = admin_client.get(url("fund", "changelist"), **ENGLISH).content.decode()
    korean = admin_client.get(url("fund", "changelist"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "KRW 498,200,000,000" in content
    assert "4,982억원" in korean
