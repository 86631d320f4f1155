"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server.

Journeys of every issue live in tests/browser/. The `browser_demo` fixture seeds the full demo into the
live server's database; `login(page, username)` signs a persona in.
"""
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: the test command installs Debian's chromium package")
        pytest.skip("Chromium is not installed (run `make test`, which installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_demo(transactional_db, live_server):
    from django.core.management import call_command

    from tests.conftest import DEMO_PASSWORD

    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", password=DEMO_PASSWORD, stdout=devnull)
    return DEMO_PASSWORD


@pytest.fixture
def login(browser_demo):
    def do_login(page, username: str) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", browser_demo)
        page.click("#login-button")
        page.wait_for_selector("#current-user")

    return do_login
