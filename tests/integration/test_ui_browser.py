"""The `dualgen ui` page in Debian's Chromium, driven through Playwright's Python API (no
downloaded browser). Controls are found by role and label, as a screen reader finds them;
a failing test leaves a screenshot in test-artifacts/."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
import requests

from tests.helpers import run_dualgen, run_main, tree_of, unzip

pytestmark = pytest.mark.integration
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def command(page):
    return page.locator("#command")


def cli_error(*args: str) -> str:
    code, stderr = run_main("new", "both", *args, "--no-input")
    assert code == 2
    return stderr.removeprefix("dualgen: error: ").strip()


def test_every_catalog_choice_has_a_labelled_control_and_the_filter_finds_it(open_page, ui_server):
    page = open_page()
    options = requests.get(f"{ui_server.base}/api/options", timeout=30).json()
    for choice in options["choices"]:
        expect(page.get_by_role("checkbox", name=choice["key"], exact=True)).to_have_count(1)
        for setting in choice["settings"]:
            label = f"{choice['key']}.{setting['key']}"
            expect(page.get_by_label(label, exact=True)).to_have_count(1)
    for name in ("Both", "Flask", "Express"):
        expect(page.get_by_role("radio", name=name, exact=True)).to_have_count(1)
    for name in ("Name", "Port", "Host"):
        expect(page.get_by_role("textbox", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("checkbox", name="debug", exact=True)).to_have_count(1)
    for preset in ("default", *options["presets"]):
        expect(page.get_by_role("button", name=re.compile(f"^{preset} "))).to_have_count(1)
    page.get_by_role("searchbox", name="Filter choices").fill("rate")
    expect(page.get_by_role("checkbox", name="rate-limit", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name="cors", exact=True)).to_be_hidden()


def test_a_preset_card_fills_the_form(open_page):
    page = open_page()
    page.get_by_role("button", name=re.compile("^api ")).click()
    expect(command(page)).to_have_text("dualgen new both --preset api --no-input")
    for key in ("logging", "cors", "json-body", "error-handlers"):
        box = page.get_by_role("checkbox", name=key, exact=True)
        expect(box).to_be_checked()
        expect(box).to_be_disabled()
    expect(page.get_by_role("checkbox", name="tests", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="health", exact=True)).not_to_be_checked()
    expect(page.get_by_text("GET /api/items/{id:int} (from the preset)")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^api "))).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("checkbox", name="tests", exact=True).uncheck()
    expect(command(page)).to_have_text("dualgen new both --preset api --no-tests --no-input")


def test_an_impossible_pair_is_disabled_with_the_clis_reason(open_page):
    page = open_page()
    page.get_by_role("checkbox", name="debug", exact=True).check()
    expect(command(page)).to_have_text("dualgen new both --debug --no-input")
    docker = page.get_by_role("checkbox", name="docker", exact=True)
    expect(docker).to_be_disabled()
    reason = cli_error("--debug", "--docker")
    expect(page.locator('[data-reason-for="docker"]')).to_have_text(f"Not available: {reason}")
    expect(page.get_by_role("checkbox", name="production-server", exact=True)).to_be_disabled()
    expect(page.get_by_role("checkbox", name="cors", exact=True)).to_be_enabled()


def test_a_forced_bad_link_shows_the_clis_message_and_writes_nothing(open_page, ui_server):
    page = open_page("debug=true&docker=true&name=shop")
    expect(page.locator("#notice")).to_have_text(f"Not applied: {cli_error('--debug', '--docker')}")
    before = sorted(ui_server.out.rglob("*"))
    page.get_by_role("button", name="Write to folder").click()
    expect(page.locator("#write-result")).to_have_text(
        f"Not written: {cli_error('--debug', '--docker')}"
    )
    assert sorted(ui_server.out.rglob("*")) == before
    page = open_page("middleware=corz&name=shop2&bogus=1")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("Not applied from the link: bogus=1; middleware=corz (")
    expect(notice).to_contain_text(cli_error("-m", "corz"))
    expect(command(page)).to_have_text("dualgen new both shop2 --no-input")


def test_a_shared_link_restores_the_state_in_a_fresh_page(open_page, ui_browser, ui_server):
    page = open_page()
    page.get_by_role("textbox", name="Name", exact=True).fill("shop")
    page.get_by_role("checkbox", name="cors", exact=True).check()
    origins = page.get_by_label("cors.origins", exact=True)
    expect(origins).to_be_enabled()
    origins.fill("http://a.example")
    origins.press("Tab")
    page.get_by_role("button", name="Add a route").click()
    page.get_by_role("textbox", name="Route path").fill("/users/{id:int}")
    page.get_by_role("combobox", name="Route work").select_option("delay")
    page.get_by_role("spinbutton", name="Route milliseconds").fill("5")
    page.get_by_role("spinbutton", name="Route milliseconds").press("Tab")
    shown = (
        "dualgen new both shop -m cors -r 'GET /users/{id:int} delay=5' "
        "--set cors.origins=http://a.example --no-input"
    )
    expect(command(page)).to_have_text(shown)
    link = page.url
    fresh = ui_browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(link)
        expect(other.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(other.locator("#command")).to_have_text(shown)
        expect(other.get_by_role("checkbox", name="cors", exact=True)).to_be_checked()
        expect(other.get_by_label("cors.origins", exact=True)).to_have_value("http://a.example")
        expect(other.get_by_role("textbox", name="Route path")).to_have_value("/users/{id:int}")
        expect(other.locator("#notice")).to_be_hidden()
    finally:
        fresh.close()


def test_the_preview_shows_both_trees_and_a_deep_link_opens_a_line(open_page):
    page = open_page("preset=api", "#express:routes/index.js:3")
    flask_files = page.get_by_role("navigation", name="Flask files")
    expect(
        flask_files.get_by_role("button", name=re.compile(r"^hello\/routes\.py"))
    ).to_be_visible()
    express_code = page.get_by_role("region", name="Express code")
    expect(express_code.get_by_role("heading")).to_have_text("hello/routes/index.js")
    expect(page.locator('[id="express:routes/index.js:3"]')).to_have_class("row target")
    concepts = page.locator("#concept-rows")
    row = concepts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="CORS"))
    row.get_by_role("link").first.click()
    expect(page.get_by_role("region", name="Flask code").get_by_role("heading")).to_have_text(
        "hello/hello/cors.py"
    )
    expect(concepts).to_contain_text("Declared difference: Vary: Origin on CORS answers")


def test_the_diff_is_what_dualgen_diff_prints(open_page, ui_server, tmp_path):
    query = "name=shop&preset=api"
    page = open_page(query)
    page.get_by_label("Choice to add or remove").select_option("rate-limit")
    page.get_by_role("button", name="Show diff").click()
    shown = page.locator("[data-diff=flask] pre span")
    expect(shown.first).to_have_text("flask: shop.yaml -> shop.yaml+rate-limit")
    answers = requests.get(f"{ui_server.base}/answers.yaml?{query}", timeout=30)
    (tmp_path / "shop.yaml").write_bytes(answers.content)
    for framework in ("flask", "express"):
        header = page.locator(f"[data-diff={framework}] header")
        expect(header).to_have_text(
            f"dualgen diff {framework} --from shop.yaml --to shop.yaml+rate-limit"
        )
        printed = subprocess.run(
            [sys.executable, "-m", "generator", *shlex.split(header.text_content())[1:]],
            cwd=tmp_path,
            # A patch as a pipe gets it, lines whole (something in the test process puts
            # COLUMNS into the environment its children inherit, unseen by os.environ).
            env={k: v for k, v in os.environ.items() if k != "COLUMNS"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert printed.returncode == 0, printed.stderr
        lines = page.locator(f"[data-diff={framework}] pre span").all_text_contents()
        assert "\n".join(lines) + "\n" == printed.stdout


def test_the_downloaded_zip_is_what_dualgen_new_writes(open_page, tmp_path):
    page = open_page("framework=flask&name=shop&middleware=cors,logging&tests=true")
    expect(command(page)).to_have_text("dualgen new flask shop -m cors,logging --tests --no-input")
    with page.expect_download() as download:
        page.keyboard.press("Control+Enter")
    assert download.value.suggested_filename == "shop-flask.zip"
    zipped = tmp_path / "page.zip"
    download.value.save_as(zipped)
    unzip(zipped.read_bytes(), tmp_path / "zip")
    (tmp_path / "new").mkdir()
    args = shlex.split(command(page).text_content())[1:]
    result = run_dualgen(*args, cwd=tmp_path / "new")
    assert result.returncode == 0, result.stderr
    assert tree_of(tmp_path / "zip") == tree_of(tmp_path / "new")


def test_write_to_the_folder_asks_before_replacing(open_page, ui_server):
    page = open_page("name=written&framework=express")
    page.get_by_role("button", name="Write to folder").click()
    project = ui_server.out / "written"
    expect(page.locator("#write-result")).to_have_text(f"Wrote {project}")
    (project / "app.js").write_text("// mine\n")
    page.get_by_role("button", name="Write to folder").click()
    dialog = page.get_by_role("dialog", name="Replace existing files?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("already exists")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert (project / "app.js").read_text() == "// mine\n"
    page.get_by_role("button", name="Write to folder").click()
    dialog.get_by_role("button", name="Replace the files dualgen writes").click()
    expect(page.locator("#write-result")).to_have_text(f"Wrote {project}")
    assert (project / "app.js").read_text().startswith("'use strict'")


def test_keyboard_shortcuts(open_page):
    page = open_page()
    page.locator("body").press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    page.keyboard.press("Escape")
    expect(shortcuts).to_be_hidden()
    page.locator("body").press("/")
    search = page.get_by_role("searchbox", name="Filter choices")
    expect(search).to_be_focused()
    page.keyboard.type("docker")
    expect(page.get_by_role("checkbox", name="cors", exact=True)).to_be_hidden()
    page.keyboard.press("Escape")
    expect(search).to_have_value("")
    expect(page.get_by_role("checkbox", name="cors", exact=True)).to_be_visible()


def test_dark_mode_follows_the_system_and_toggles(ui_browser, ui_server):
    context = ui_browser.new_context(color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(ui_server.url)
        expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(22, 24, 28)"
        toggle = page.get_by_role("button", name="Dark theme")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        toggle.click()
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(251, 250, 247)"
        page.reload()
        expect(page.locator("html")).to_have_attribute("data-theme", "light")
    finally:
        context.close()


def test_no_request_leaves_loopback(open_page, ui_context, ui_server):
    page = open_page("preset=production")
    page.get_by_role("checkbox", name="health", exact=True).check()
    expect(command(page)).to_contain_text("-m health")
    page.get_by_role("button", name="Show diff").click()
    expect(page.locator("[data-diff=express] header")).to_be_visible()
    page.locator("body").press("?")
    assert ui_context.requested
    outside = [url for url in ui_context.requested if not url.startswith(f"{ui_server.base}/")]
    assert outside == []


HOSTILE = [
    "<img src=x onerror=window.pwned=1>",
    "<script>window.pwned=1</script>",
    '"><svg onload=window.pwned=1>',
    "x{{ cycler.__init__.__globals__.os.system('touch CANARY-RAN') }}",
    "[click](javascript:window.pwned=1)",
]


@pytest.mark.parametrize("payload", HOSTILE, ids=["img", "script", "svg", "jinja", "markdown"])
def test_hostile_values_are_shown_as_text(open_page, payload):
    from urllib.parse import quote

    value = quote(payload, safe="")
    page = open_page(f"name={value}&host={value}&set=cors.origins%3D{value}")
    notice = page.locator("#notice")
    expect(notice).to_contain_text(payload)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#notice *").count() == 0
    assert page.locator("img, svg, script:not([type=module])").count() == 0
    assert page.dialogs == []


def test_the_route_editor_adds_typed_parameters_as_the_cli_writes_them(open_page):
    page = open_page("name=shop")
    page.get_by_role("button", name="Add a route").click()
    path = page.get_by_role("textbox", name="Route path")
    path.fill("/users")
    path.press("Tab")
    expect(command(page)).to_have_text("dualgen new both shop -r 'GET /users' --no-input")
    page.get_by_role("textbox", name="Parameter name").fill("id")
    page.get_by_role("combobox", name="Parameter type").select_option("int")
    page.get_by_role("button", name="Add parameter to path").click()
    expect(path).to_have_value("/users/{id:int}")
    expect(command(page)).to_have_text("dualgen new both shop -r 'GET /users/{id:int}' --no-input")
    page.get_by_role("textbox", name="Parameter name").fill("slug")
    page.get_by_role("combobox", name="Parameter type").select_option("str")
    page.get_by_role("textbox", name="Parameter name").press("Enter")
    expect(path).to_have_value("/users/{id:int}/{slug}")
    expect(command(page)).to_have_text(
        "dualgen new both shop -r 'GET /users/{id:int}/{slug}' --no-input"
    )
    # A name the CLI refuses: its message beside the routes, the last good state kept.
    page.get_by_role("textbox", name="Parameter name").fill("class")
    page.get_by_role("button", name="Add parameter to path").click()
    message = cli_error("-r", "GET /users/{id:int}/{slug}/{class}")
    expect(page.locator('[data-error-for="route"]')).to_have_text(message)
    expect(command(page)).to_have_text(
        "dualgen new both shop -r 'GET /users/{id:int}/{slug}' --no-input"
    )


@pytest.mark.parametrize("payload", HOSTILE, ids=["img", "script", "svg", "jinja", "markdown"])
def test_a_hostile_parameter_name_is_refused_as_text(open_page, payload):
    page = open_page()
    page.get_by_role("button", name="Add a route").click()
    page.get_by_role("textbox", name="Parameter name").fill(payload)
    page.get_by_role("button", name="Add parameter to path").click()
    expect(page.get_by_role("textbox", name="Route path")).to_have_value(f"/{{{payload}}}")
    refusal = page.locator('[data-error-for="route"]')
    expect(refusal).to_have_text(cli_error("-r", f"GET /{{{payload}}}"))
    assert page.evaluate("window.pwned") is None
    assert page.locator('[data-error-for="route"] *, #notice *').count() == 0
    assert page.locator("img, svg, script:not([type=module])").count() == 0
    assert page.dialogs == []


def test_a_resource_in_a_link_is_kept_by_the_route_editor(open_page):
    page = open_page("name=shop&route=resource+/items+name:str+price:float")
    shown = "dualgen new both shop -r 'resource /items name:str price:float' --no-input"
    expect(command(page)).to_have_text(shown)
    expect(page.get_by_role("combobox", name="Route method")).to_have_value("resource")
    fields = page.get_by_role("textbox", name="Resource fields")
    expect(fields).to_have_value("name:str price:float")
    expect(page.get_by_role("combobox", name="Route work")).to_be_hidden()
    fields.fill("name:str price:float in_stock:bool?")
    fields.press("Tab")
    expect(command(page)).to_have_text(shown.replace("float'", "float in_stock:bool?'"))
    page.get_by_role("combobox", name="Route method").select_option("POST")
    expect(fields).to_be_hidden()
    expect(command(page)).to_have_text("dualgen new both shop -r 'POST /items' --no-input")
