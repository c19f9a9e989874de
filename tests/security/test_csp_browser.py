"""The Content Security Policy in a real Chromium: the admin, the portal and the API documentation load and work
with no violation reported (inline scripts and styles carry the nonce, event handlers live in static files).

Violations are caught twice: Chromium's console message ("... violates the following Content Security Policy
directive ...") and the page's own `securitypolicyviolation` events, recorded by an init script."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from programs.services.applications import application_start
from tests import factories as f
from tests.programs.test_portal_support import call_with_form, member_of

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sample);
});
"""


@pytest.fixture
def watched(page):  # noqa: F811
    """The page, with every CSP report it makes collected in `page.csp_reports`."""
    reports: list[str] = []
    page.on(
        "console",
        lambda message: reports.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_reports = reports
    return page


def visit(tab, url: str) -> None:
    response = tab.goto(url)
    assert response is not None and response.status == 200, url
    assert "default-src 'self'" in response.headers["content-security-policy"]
    tab.wait_for_load_state("networkidle")
    reports = tab.csp_reports + tab.evaluate("window.__cspViolations")
    assert reports == [], f"{url}: {reports}"


def log_in(tab, live_server, user) -> None:
    """Put a logged-in session cookie into the browser (the login forms are tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    tab.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_portal_pages_report_no_violation_and_the_language_switch_works(watched, live_server):
    f.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    visit(watched, "/")
    assert watched.locator("html").get_attribute("lang") == "ko"
    # The switch submits on change through static/js/autosubmit.js (no inline handler).
    with watched.expect_navigation():
        watched.select_option("#lang-select", "en")
    assert watched.locator("html").get_attribute("lang") == "en"
    visit(watched, "/accounts/login/")
    visit(watched, "/accounts/signup/")


def test_a_portal_application_page_reports_no_violation(watched, live_server):
    call = call_with_form(zone=f.ZoneFactory())
    company = f.CompanyFactory(name_ko="주식회사 에이")
    user = member_of(company)
    application = application_start(call=call, company=company, acting_user=user)
    log_in(watched, live_server, user)
    visit(watched, reverse("programs:call_list"))
    visit(watched, reverse("programs:application_edit", args=[application.pk, 1]))
    # portal-form.js runs: the conditional question follows its answer.
    partner = watched.locator("#id_partner_name")
    watched.check("input[name=has_partner][value=yes]")
    assert partner.is_visible()
    watched.check("input[name=has_partner][value=no]")
    assert not partner.is_visible()
    visit(watched, reverse("programs:application_edit", args=[application.pk, 2]))


def test_admin_pages_report_no_violation(watched, live_server):
    zone = f.ZoneFactory(name_ko="양재 AI 특구", name_en="Yangjae AI Special Zone")
    f.CompanyFactory(name_ko="주식회사 에이")
    visit(watched, "/admin/login/")
    log_in(watched, live_server, f.SuperUserFactory(username="csp-office"))
    visit(watched, "/admin/")
    visit(watched, reverse("admin:companies_company_changelist"))
    visit(watched, reverse("admin:companies_company_add"))
    visit(watched, reverse("admin:zones_zone_kpi_report", args=[zone.pk]))
    assert watched.locator(".kpi-chart svg").count() >= 1
    visit(watched, reverse("admin:zones_zone_annual_report", args=[zone.pk]))
    with watched.expect_navigation():
        watched.select_option("#admin-lang-select", "en")
    assert watched.locator("html").get_attribute("lang") == "en"


def test_the_kpi_run_progress_page_polls_from_its_static_script(watched, live_server):
    import datetime as dt

    from zones.models import KpiSnapshotRun

    zone = f.ZoneFactory()
    office = f.SuperUserFactory(username="csp-runner")
    run = KpiSnapshotRun.objects.create(
        period_kind="quarter", period_start=dt.date(2025, 7, 1), total=1, requested_by=office
    )
    run.zones.add(zone)
    log_in(watched, live_server, office)
    polled: list[str] = []
    watched.on("request", lambda request: polled.append(request.url) if "progress.json" in request.url else None)
    visit(watched, reverse("admin:zones_kpisnapshotrun_change", args=[run.pk]))
    watched.wait_for_timeout(2600)
    assert any(re.search(r"/progress\.json$", url) for url in polled), polled
    reports = watched.csp_reports + watched.evaluate("window.__cspViolations")
    assert reports == [], reports


def test_swagger_ui_reports_no_violation(watched, live_server):
    visit(watched, "/api/docs/")
    watched.wait_for_timeout(1000)
    assert watched.locator("text=/AI special zones API|AI 특구 API/").first.is_visible()
    reports = watched.csp_reports + watched.evaluate("window.__cspViolations")
    assert reports == [], reports


def test_redoc_renders_and_only_its_remote_logo_is_blocked(watched, live_server):
    response = watched.goto("/api/redoc/")
    assert response is not None and response.status == 200
    watched.wait_for_load_state("networkidle")
    watched.wait_for_timeout(1000)
    assert watched.locator("text=/AI special zones API|AI 특구 API/").first.is_visible()
    # ReDoc's "powered by" logo comes from its CDN: blocked, as every other site is.
    reports = watched.csp_reports + watched.evaluate("window.__cspViolations")
    assert [report for report in reports if "cdn.redoc.ly" not in report] == [], reports
