"""End-to-end tests: Debian's chromium driven by Playwright against a live Kesu server."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = os.environ.get("KESU_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[4]
# Tests write their screenshots to an ignored folder; `make screenshots` points this at
# docs/screenshots to refresh the documentation's pictures.
SCREENSHOTS_ENV = "KESU_SCREENSHOTS_DIR"
DEFAULT_SCREENSHOTS = ROOT / "var" / "screenshots"
PASSWORD = "kesu-demo-2026"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (.ci/run installs it)",
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the kept reports' files
    call_command("seed_demo", verbosity=0)
    settings.LANGUAGE_CODE = "zh-hans"
    return live_server


@pytest.fixture
def sign_in(browser, demo):
    """A signed-in page for a demo user; each user gets a browser context of their own.

    Whatever the Content-Security-Policy blocked on any page (an inline script or handler that
    slipped into a template) fails the test at the end.
    """
    contexts = []
    blocked: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(message.text)

    def open_as(username: str, locale: str = "zh-CN"):
        context = browser.new_context(locale=locale, viewport={"width": 1360, "height": 900})
        context.on("console", watch)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{demo.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{demo.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not blocked, "blocked by the Content-Security-Policy:\n" + "\n".join(blocked)


def screenshots_dir() -> Path:
    configured = os.environ.get(SCREENSHOTS_ENV)
    return Path(configured).resolve() if configured else DEFAULT_SCREENSHOTS


def screenshot(page, name: str) -> Path:
    folder = screenshots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
