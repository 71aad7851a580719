"""Real-browser journey: headless Chromium signs in, lists, searches and opens a school profile,
running axe-core on every page; and the same search works with JavaScript switched off.

Needs Debian's Chromium (`apt-get install chromium`) and Playwright for Python (in the dev
extras). Without them the tests skip locally with a message saying so; under CI=true they fail
instead, so CI can never pass by not running them. CHROMIUM_PATH overrides where Chromium is.
Set BROWSER_SCREENSHOT_DIR to keep full-page screenshots of the list and profile pages.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from improvement.accounts.tests.factories import AuthorityFactory
from improvement.inspections.services import inspection_save
from improvement.schools.models import Governance, Measure, Phase
from improvement.schools.tests.factories import ContextMeasureFactory, SchoolFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

AXE_JS = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000


# --- Conftest fragment: a browser, or a skip (locally) / failure (CI) saying how to get one. ---


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"CI=true but the browser test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    """CHROMIUM_PATH when set (and only it), else Debian's chromium on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    candidates = [explicit] if explicit else [shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    executable = _chromium_path()
    if executable is None:
        _unavailable(
            "Chromium not found: install it with `apt-get install chromium` "
            "(or set CHROMIUM_PATH) to run the browser tests"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"Playwright for Python is not installed ({exc}): run `make install`")
    if not AXE_JS.exists():
        _unavailable(f"{AXE_JS} is missing: run `npm install` (or `make assets`)")

    # The Playwright sync API runs an event loop in this thread; Django's ORM (fixtures and the
    # transactional flush after each test) refuses to run beside one unless told it is safe.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            try:
                chromium = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
            except Exception as exc:  # any launch failure means "no usable browser"
                _unavailable(f"Chromium at {executable} would not start: {exc}")
            yield chromium
            chromium.close()


@pytest.fixture
def browser_settings(settings):
    """Plain HTTP on the live server whatever DEBUG says; static files straight from finders."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return settings


@pytest.fixture
def dataset(personas, school, sibling_school, authority):
    """A senior adviser and several schools in one authority; Alder Primary has an inspection
    history across eras and three years of context measures. Another authority's school with a
    matching name must never appear."""
    admin = personas["la_admin"]
    SchoolFactory(
        authority=authority,
        urn="100003",
        establishment_number="4001",
        name="Alderney Secondary School",
        phase=Phase.SECONDARY,
        governance=Governance.ACADEMY,
        pupils_on_roll=1100,
    )
    SchoolFactory(
        authority=authority,
        urn="100004",
        establishment_number="7001",
        name="Cedar Special School",
        phase=Phase.SPECIAL,
        pupils_on_roll=120,
    )
    SchoolFactory(
        authority=AuthorityFactory(code="903", name="Eastfield"),
        urn="300001",
        establishment_number="2001",
        name="Alder Primary School (Eastfield)",
    )

    inspection_save(
        actor=admin,
        school=school,
        era="s5-2012",
        inspection_type="full",
        start_date=datetime.date(2017, 5, 9),
        publication_date=datetime.date(2017, 6, 12),
        judgements={
            "overall_effectiveness": "requires_improvement",
            "leadership_and_management": "good",
            "quality_of_teaching": "requires_improvement",
            "outcomes": "requires_improvement",
        },
    )
    inspection_save(
        actor=admin,
        school=school,
        era="eif-2019",
        inspection_type="full",
        start_date=datetime.date(2022, 3, 15),
        publication_date=datetime.date(2022, 4, 20),
        judgements={
            "overall_effectiveness": "good",
            "quality_of_education": "good",
            "behaviour_and_attitudes": "good",
            "personal_development": "outstanding",
            "leadership_and_management": "good",
            "safeguarding": "effective",
        },
    )
    inspection_save(
        actor=admin,
        school=school,
        era="eif-2024",
        inspection_type="ungraded",
        start_date=datetime.date(2025, 1, 21),
        publication_date=datetime.date(2025, 2, 25),
        judgements={},
    )
    for year, attendance, fsm in ((2022, 93.1, 24.0), (2023, 94.2, 25.5), (2024, 95.0, 25.5)):
        ContextMeasureFactory(
            school=school, academic_year=year, measure=Measure.ATTENDANCE_PERCENT, value=attendance
        )
        ContextMeasureFactory(
            school=school, academic_year=year, measure=Measure.FSM_PERCENT, value=fsm
        )
    ContextMeasureFactory(
        school=school,
        academic_year=2024,
        measure=Measure.PERMANENT_EXCLUSIONS,
        value=None,
        suppressed=True,
    )
    return {"user": personas["senior_adviser"], "school": school}


# --- Helpers ---


def run_axe(page) -> list[dict]:
    """Inject axe-core into the page, run the WCAG 2.x A/AA rules, return the violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    # Guard against a silent no-op (tags misspelt, rules filtered away): rules must have run.
    rules_run = sum(
        len(result[kind]) for kind in ("passes", "violations", "incomplete", "inapplicable")
    )
    assert rules_run >= 50, f"axe-core ran only {rules_run} rules on {page.url}"
    return result["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page, label: str) -> None:
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if violations:
        print(f"\naxe-core on {label} ({page.url}):\n{format_violations(violations)}")  # noqa: T201
    assert not blocking, (
        f"axe-core found {len(blocking)} serious or critical WCAG violation(s) on {label} "
        f"({page.url}):\n{format_violations(blocking)}"
    )


def screenshot(page, name: str) -> None:
    directory = os.environ.get("BROWSER_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def sign_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    assert page.title() == "Sign in – School Improvement Monitor"
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/schools/**")


def search_list(page, term: str) -> None:
    page.get_by_label("Search").fill(term)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"/schools/\?(.*&)?q="))


def school_links(page) -> list[str]:
    return page.locator("table.govuk-table tbody tr td:first-child a").all_inner_texts()


# --- Tests ---


def test_journey_sign_in_list_search_profile_has_no_serious_axe_violations(
    chromium_browser, browser_settings, live_server, dataset, test_password
):
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on(
        "response",
        lambda r: (
            problems.append(f"HTTP {r.status} for {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("h1").inner_text() == "Sign in"
        assert_accessible(page, "the sign-in page")

        sign_in(page, live_server.url, dataset["user"].email, test_password)
        assert page.title() == "Schools – School Improvement Monitor"
        assert page.locator(".sim-header__product").inner_text() == "School Improvement Monitor"
        assert page.locator(".sim-header__authority").inner_text() == "Northmoor"
        assert set(school_links(page)) == {
            "Alder Primary School",
            "Alderney Secondary School",
            "Birch Primary School",
            "Cedar Special School",
        }
        # govuk-frontend initialised (the script loaded and ran): the body says JS is on.
        assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
        assert_accessible(page, "the school list")
        screenshot(page, "school-list")

        search_list(page, "alder")
        assert school_links(page) == ["Alder Primary School", "Alderney Secondary School"]
        assert page.get_by_role("status").inner_text().startswith("2 schools found")
        assert_accessible(page, "the search results")

        page.get_by_role("link", name="Alder Primary School", exact=True).click()
        page.wait_for_url(f"{live_server.url}/schools/100001/")
        assert page.title() == "Alder Primary School – School Improvement Monitor"
        assert page.get_by_role("heading", level=1).inner_text() == "Alder Primary School"
        # The profile shows the history by era and the measures table.
        assert page.get_by_role("heading", name="Section 5, 2012 to 2019").is_visible()
        assert page.get_by_role("table", name="Context measures by academic year").is_visible()
        assert_accessible(page, "the school profile")
        screenshot(page, "school-profile")

        assert problems == [], "The pages raised errors or failed to load resources:\n" + "\n".join(
            problems
        )
    finally:
        context.close()


def test_search_and_profile_work_without_javascript(
    chromium_browser, browser_settings, live_server, dataset, test_password
):
    context = chromium_browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, dataset["user"].email, test_password)
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")

        search_list(page, "100001")
        assert school_links(page) == ["Alder Primary School"]

        page.get_by_role("link", name="Alder Primary School", exact=True).click()
        page.wait_for_url(f"{live_server.url}/schools/100001/")
        assert page.get_by_role("heading", level=1).inner_text() == "Alder Primary School"
        assert page.get_by_role("heading", name="Inspection history").is_visible()
    finally:
        context.close()


def test_list_and_profile_reflow_at_320_pixels(
    chromium_browser, browser_settings, live_server, dataset, test_password
):
    """WCAG 1.4.10: at 320 CSS pixels wide the page never scrolls sideways; wide tables scroll
    inside their own (keyboard-reachable) box instead."""
    context = chromium_browser.new_context(viewport={"width": 320, "height": 640}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def page_width() -> int:
        return page.evaluate("() => document.documentElement.scrollWidth")

    try:
        sign_in(page, live_server.url, dataset["user"].email, test_password)
        assert page_width() <= 320, f"the school list is {page_width()}px wide at 320px"

        page.goto(f"{live_server.url}/schools/100001/")
        assert page_width() <= 320, f"the school profile is {page_width()}px wide at 320px"
        assert_accessible(page, "the school profile at 320px wide")
    finally:
        context.close()


def test_board_journey_has_no_serious_axe_violations(
    chromium_browser, browser_settings, live_server, dataset, test_password
):
    """The chair opens a School Improvement Board, holds its entry meeting, writes and saves the
    minutes and records the outcome through ordinary form posts; axe-core checks each page."""
    from improvement.interventions.models import Meeting, Process

    context = chromium_browser.new_context(locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    today = datetime.date.today()
    past = today - datetime.timedelta(days=2)
    try:
        sign_in(page, live_server.url, dataset["user"].email, test_password)
        page.goto(f"{live_server.url}/schools/100001/support/open/")
        page.get_by_label("School Improvement Board").check()
        page.get_by_label("Why the process is being started").fill("Leadership judged less than good")
        for prefix, day in (("opened_on", past), ("date", past)):
            page.locator(f"#id_{prefix}_0").fill(str(day.day))
            page.locator(f"#id_{prefix}_1").fill(str(day.month))
            page.locator(f"#id_{prefix}_2").fill(str(day.year))
        page.get_by_label("Time").fill("10:00")
        page.get_by_label("School and venue").fill("At the school")
        page.get_by_role("button", name="Open the process").click()
        process = Process.objects.get()
        page.wait_for_url(f"{live_server.url}/processes/{process.pk}/")
        assert_accessible(page, "the process page")

        meeting = Meeting.objects.get()
        page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
        assert page.get_by_role("heading", name="Steps").is_visible()
        assert_accessible(page, "the meeting page")
        page.get_by_role("link", name="Record that the meeting was held and start the minutes").click()
        page.get_by_role("button", name="Record that the meeting was held and start the minutes").click()
        page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/minutes/")
        assert_accessible(page, "the minutes form")
        # Leaving the field autosaves (htmx); then the Save button posts the same words, one
        # request after the other (the test database cannot take two writers at once).
        page.get_by_label("SIB background").fill("Entered after the inspection.")
        page.get_by_label("SIB background").press("Tab")
        page.locator("#save-status").get_by_text("Saved at").wait_for()
        assert Meeting.objects.get().content["background"] == "Entered after the inspection."
        with page.expect_navigation():
            page.get_by_role("button", name="Save", exact=True).click()
        assert "Saved at" in page.locator("main").inner_text()  # the flash message after the post

        page.goto(f"{live_server.url}/meetings/{meeting.pk}/outcome/")
        assert_accessible(page, "the outcome form")
        page.get_by_label("No").check()
        page.get_by_label("Remain within the SIB process with the next meeting next term").check()
        page.get_by_role("button", name="Record the outcome").click()
        page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
        assert Meeting.objects.count() == 2

        page.goto(f"{live_server.url}/schools/100001/support/")
        assert_accessible(page, "the support and intervention tab")
        page.goto(f"{live_server.url}/support/dashboard/")
        assert_accessible(page, "the boards and meetings dashboard")
    finally:
        context.close()
