import os
import shutil

import pytest

from tests import factories


@pytest.fixture
def superuser(db):
    return factories.SuperUserFactory(username="admin")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _admin_two_factor(request, settings):
    """The admin asks staff for a second factor; tests that log staff in with `force_login` (or the browser test
    with a password) run without it, except those marked `two_factor`."""
    if request.node.get_closest_marker("two_factor") is None:
        settings.OTP_ADMIN_REQUIRED = False


# --- a real headless Chromium (Debian's package) driven by Playwright against the live test server ---------

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: make test installs Debian's chromium package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
