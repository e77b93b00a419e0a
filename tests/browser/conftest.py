"""Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

The browser is given explicitly, the one Remotion renders with: Playwright must never
download one (the machines are offline); scripts/ensure-browser.sh installs Debian's
chromium-headless-shell.
"""
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from farm.backends.local import browser_executable
from tests.factories import PASSWORD, UserFactory

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="package", autouse=True)
def vendored_front_end():
    """The pages' vendored builds (static/vendor/build/), as `make test` makes them."""
    subprocess.run(["node", "scripts/build-vendor.mjs"], cwd=Path(settings.BASE_DIR) / "remotion",
                   check=True, capture_output=True)


@pytest.fixture(scope="package")
def chromium():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Playwright's sync API keeps an asyncio loop running in this thread, which Django
    # takes for an async context. The tests' ORM calls are plain synchronous calls that
    # the loop never interleaves with, so allow them while the browser is up, and only then.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=browser_executable(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium):
    """open_page(viewport=LAPTOP) -> a page in a fresh browser context (its own cookies)."""
    contexts = []

    def open_page(viewport=LAPTOP):
        context = chromium.new_context(viewport=viewport, accept_downloads=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def editor(transactional_db):
    return UserFactory()


def log_in(page, live_server, user, screenshot=None):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    if screenshot:
        shoot(page, screenshot)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/movies/")


def shoot(page, name):
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
