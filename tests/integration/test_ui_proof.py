"""Issue 25's proof list, the items test_ui_browser.py leaves open or proves in part: the page's
own zip is what `dualgen new` writes with the command the page shows and passes `dualgen verify`;
a write is never led outside --out; a classic preset disables middleware with the CLI's reason; a
shared link with a preset, a framework, a resource and a route's work restores every control in a
fresh browser; shortcuts leave typing alone; the light system theme and its toggle; and no
request leaves loopback, every module of the page included, with no CSP violation.

Debian's Chromium through Playwright's Python API; controls found by role and label; a failing
test leaves a screenshot in test-artifacts/ (fixtures: tests/integration/conftest.py)."""

from __future__ import annotations

import re
import shlex
from urllib.parse import quote, urlsplit

import pytest

from generator.ui.views import modules
from tests.helpers import run_dualgen, tree_of, unzip
from tests.integration.test_ui_browser import cli_error, command

pytestmark = pytest.mark.integration
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_the_pages_zip_is_what_the_shown_command_writes_and_passes_verify(open_page, tmp_path):
    page = open_page("name=shop&middleware=cors,json-body&route=" + quote("GET /users/{id:int}"))
    shown = "dualgen new both shop -m cors,json-body -r 'GET /users/{id:int}' --no-input"
    expect(command(page)).to_have_text(shown)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download zip").click()
    assert download.value.suggested_filename == "shop.zip"
    zipped = tmp_path / "page.zip"
    download.value.save_as(zipped)
    unzip(zipped.read_bytes(), tmp_path / "zip")
    (tmp_path / "new").mkdir()
    made = run_dualgen(*shlex.split(command(page).text_content())[1:], cwd=tmp_path / "new")
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in (tmp_path / "zip").iterdir()) == [
        "shop-express",
        "shop-flask",
    ]
    assert tree_of(tmp_path / "zip") == tree_of(tmp_path / "new")
    for project in ("shop-flask", "shop-express"):
        verified = run_dualgen("verify", project, cwd=tmp_path / "zip")
        assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_write_is_never_led_outside_out(open_page, ui_server, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (ui_server.out / "linked").symlink_to(elsewhere)
    before = sorted(ui_server.out.parent.iterdir())
    page = open_page("name=linked&framework=flask")
    page.get_by_role("button", name="Write to folder").click()
    result = page.locator("#write-result")
    expect(result).to_have_text(
        f"Not written: 'linked' would be written outside {str(ui_server.out)!r}"
    )
    expect(page.get_by_role("dialog", name="Replace existing files?")).to_be_hidden()
    assert list(elsewhere.iterdir()) == []
    # Typed, a refused name stays in the state (a link's would be left out): the write is asked.
    page.get_by_role("textbox", name="Name", exact=True).fill("../escape")
    message = cli_error("../escape")
    expect(page.locator("#notice")).to_have_text(f"Not applied: {message}")
    page.get_by_role("button", name="Write to folder").click()
    expect(result).to_have_text(f"Not written: {message}")
    assert sorted(ui_server.out.parent.iterdir()) == before
    assert [path.name for path in ui_server.out.iterdir() if path.name == "escape"] == []


def test_a_preset_disables_what_it_cannot_take_with_the_clis_reason(open_page):
    page = open_page()
    page.get_by_role("button", name=re.compile("^classic ")).click()
    expect(command(page)).to_have_text("dualgen new both --preset classic --no-input")
    for key, args in (
        ("health", ("-m", "health")),
        ("cors", ("-m", "cors")),
        ("tests", ("--tests",)),
        ("docker", ("--docker",)),
    ):
        box = page.get_by_role("checkbox", name=key, exact=True)
        expect(box).to_be_disabled()
        expect(box).not_to_be_checked()
        reason = cli_error("--preset", "classic", *args)
        expect(page.locator(f'[data-reason-for="{key}"]')).to_have_text(f"Not available: {reason}")
    page.get_by_role("button", name=re.compile("^default ")).click()
    expect(command(page)).to_have_text("dualgen new both --no-input")
    expect(page.get_by_role("checkbox", name="health", exact=True)).to_be_enabled()
    expect(page.locator('[data-reason-for="health"]')).to_be_hidden()


def test_a_shared_link_restores_every_control_in_a_fresh_browser(open_page, ui_browser):
    page = open_page()
    page.get_by_role("button", name=re.compile("^api ")).click()
    page.get_by_role("radio", name="Flask", exact=True).check()
    page.get_by_role("textbox", name="Name", exact=True).fill("shop")
    page.get_by_role("checkbox", name="rate-limit", exact=True).check()
    rows = page.get_by_role("list", name="Your routes").get_by_role("listitem")
    page.get_by_role("button", name="Add a route").click()
    rows.nth(0).get_by_role("combobox", name="Route method").select_option("resource")
    rows.nth(0).get_by_role("textbox", name="Route path").fill("/items")
    rows.nth(0).get_by_role("textbox", name="Resource fields").fill("name:str price:float")
    rows.nth(0).get_by_role("textbox", name="Resource fields").press("Tab")
    page.get_by_role("button", name="Add a route").click()
    rows.nth(1).get_by_role("combobox", name="Route method").select_option("DELETE")
    rows.nth(1).get_by_role("textbox", name="Route path").fill("/slow")
    rows.nth(1).get_by_role("combobox", name="Route work").select_option("cpu")
    rows.nth(1).get_by_role("spinbutton", name="Route milliseconds").fill("7")
    rows.nth(1).get_by_role("spinbutton", name="Route milliseconds").press("Tab")
    shown = (
        "dualgen new flask shop --preset api -m rate-limit "
        "-r 'resource /items name:str price:float' -r 'DELETE /slow cpu=7' --no-input"
    )
    expect(command(page)).to_have_text(shown)
    fresh = ui_browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(page.url)
        expect(other.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(other.locator("#command")).to_have_text(shown)
        expect(other.locator("#notice")).to_be_hidden()
        expect(other.get_by_role("radio", name="Flask", exact=True)).to_be_checked()
        expect(other.get_by_role("button", name=re.compile("^api "))).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(other.get_by_role("textbox", name="Name", exact=True)).to_have_value("shop")
        expect(other.get_by_role("checkbox", name="rate-limit", exact=True)).to_be_checked()
        kept = other.get_by_role("list", name="Your routes").get_by_role("listitem")
        expect(kept).to_have_count(2)
        expect(kept.nth(0).get_by_role("combobox", name="Route method")).to_have_value("resource")
        expect(kept.nth(0).get_by_role("textbox", name="Route path")).to_have_value("/items")
        expect(kept.nth(0).get_by_role("textbox", name="Resource fields")).to_have_value(
            "name:str price:float"
        )
        expect(kept.nth(0).get_by_role("combobox", name="Route work")).to_be_hidden()
        expect(kept.nth(1).get_by_role("combobox", name="Route method")).to_have_value("DELETE")
        expect(kept.nth(1).get_by_role("textbox", name="Route path")).to_have_value("/slow")
        expect(kept.nth(1).get_by_role("combobox", name="Route work")).to_have_value("cpu")
        expect(kept.nth(1).get_by_role("spinbutton", name="Route milliseconds")).to_have_value("7")
    finally:
        fresh.close()


def test_shortcuts_leave_typing_alone_and_are_listed(open_page):
    page = open_page()
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    name = page.get_by_role("textbox", name="Name", exact=True)
    name.click()
    page.keyboard.type("a?b/")
    expect(name).to_have_value("a?b/")
    expect(shortcuts).to_be_hidden()
    expect(page.get_by_role("searchbox", name="Filter choices")).not_to_be_focused()
    name.fill("shop")
    expect(command(page)).to_have_text("dualgen new both shop --no-input")
    page.get_by_role("button", name="Shortcuts").click()
    expect(shortcuts).to_be_visible()
    terms = shortcuts.locator("dt").all_text_contents()
    assert terms == ["Ctrl/⌘ + Enter", "/", "Esc", "?"]
    shortcuts.get_by_role("button", name="Close").click()
    expect(shortcuts).to_be_hidden()
    with page.expect_download() as download:
        name.press("Meta+Enter")  # ⌘+Enter, from inside a field too
    assert download.value.suggested_filename == "shop.zip"


def test_a_light_system_gets_the_light_theme_and_the_toggle_is_kept(ui_browser, ui_server):
    context = ui_browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        page.goto(ui_server.url)
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
        toggle = page.get_by_role("button", name="Dark theme")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
            "rgb(251, 250, 247)"
        )
        toggle.click()
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
            "rgb(22, 24, 28)"
        )
        again = context.new_page()
        again.goto(ui_server.base + "/")
        expect(again.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(again.locator("html")).to_have_attribute("data-theme", "dark")
    finally:
        context.close()


def test_no_request_leaves_loopback_and_the_csp_blocks_nothing(open_page, ui_context, ui_server):
    page = open_page("preset=production&middleware=health", "#flask:app.py:3")
    page.get_by_role("button", name="Show diff").click()
    expect(page.locator("[data-diff=express] header")).to_be_visible()
    page.get_by_role("button", name="Add to favourites").click()
    with page.expect_download():
        page.get_by_role("button", name="Export favourites as answer files").click()
    with page.expect_download():
        page.get_by_role("link", name="Answer file", exact=True).click()
    page.get_by_role("button", name="Dark theme").click()
    page.locator("body").press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    paths = {urlsplit(url).path for url in ui_context.requested}
    # The recorder saw the page's own files, so it would have seen any other request.
    assert {f"/static/{name}" for name in ("ui.js", "ui.css", *modules())} <= paths
    assert {"/api/options", "/api/preview", "/api/diff", "/answers.zip"} <= paths
    assert [url for url in ui_context.requested if not url.startswith(f"{ui_server.base}/")] == []
    assert ui_context.outside == []
    assert page.evaluate("window.__violations") == []
