"""Recent and favourite configurations of the `dualgen ui` page, kept in the browser's
localStorage, and exported as answer files for a class; what localStorage holds is data (the
user's, or another page's, to change): shown and refused as text. Debian's Chromium through
Playwright; controls found by role and label (fixtures: tests/integration/conftest.py)."""

from __future__ import annotations

import pytest
import requests

from tests.integration.test_ui_browser import HOSTILE, command

pytestmark = pytest.mark.integration
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def test_recent_and_favourites_are_kept_in_the_browser(open_page, ui_server):
    page = open_page("name=first")
    page.get_by_role("button", name="Add to favourites").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("second")
    expect(command(page)).to_have_text("dualgen new both second --no-input")
    page = open_page()
    recent = page.locator("#recent")
    expect(recent.get_by_role("link", name="dualgen new both second --no-input")).to_be_visible()
    favourite = page.locator("#favourites").get_by_role(
        "link", name="dualgen new both first --no-input"
    )
    expect(favourite).to_have_attribute("href", "/?name=first")
    answers = page.locator("#favourites").get_by_role("link", name="answer file")
    expect(answers).to_have_attribute("href", "/answers.yaml?name=first")


def test_favourites_export_as_answer_files_for_a_class(open_page, ui_server, tmp_path):
    import zipfile

    page = open_page()
    export = page.get_by_role("button", name="Export favourites as answer files")
    expect(export).to_be_disabled()
    page = open_page("name=shop&middleware=cors")
    page.get_by_role("button", name="Add to favourites").click()
    page = open_page("framework=flask&preset=api&name=shop")
    page.get_by_role("button", name="Add to favourites").click()
    export = page.get_by_role("button", name="Export favourites as answer files")
    with page.expect_download() as download:
        export.click()
    expect(page.locator("#export-result")).to_have_text("Exported 2 answer files")
    assert download.value.suggested_filename == "dualgen-answers.zip"
    saved = tmp_path / "answers.zip"
    download.value.save_as(saved)
    # The favourites newest first, each the server's answer file of its query.
    configs = [
        "config=framework%3Dflask%26preset%3Dapi%26name%3Dshop",
        "config=name%3Dshop%26middleware%3Dcors",
    ]
    expected = requests.get(f"{ui_server.base}/answers.zip?{'&'.join(configs)}", timeout=30)
    assert saved.read_bytes() == expected.content
    with zipfile.ZipFile(saved) as archive:
        readme = archive.read("dualgen-answers/README.txt").decode()
    assert "  dualgen new flask --answers shop.yaml --no-input\n" in readme
    assert "  dualgen new both --answers shop-2.yaml --no-input\n" in readme


@pytest.mark.parametrize("payload", HOSTILE, ids=["img", "script", "svg", "jinja", "markdown"])
def test_hostile_saved_favourites_are_shown_and_refused_as_text(open_page, payload):
    # localStorage is the user's (or another page's) to change: a favourite read from it is
    # data, in the list and in the export's refusal.
    page = open_page()
    item = {"query": f"name={payload}", "command": payload}
    page.evaluate(
        "item => localStorage.setItem('dualgen-ui-favourites', JSON.stringify([item]))", item
    )
    page = open_page()
    favourites = page.locator("#favourites")
    expect(favourites.get_by_role("link", name=payload, exact=True)).to_be_visible()
    page.get_by_role("button", name="Export favourites as answer files").click()
    result = page.locator("#export-result")
    expect(result).to_contain_text(f"Not exported: configuration 1 of 1: name {payload!r} ")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#export-result *, #favourites li > :not(a, button)").count() == 0
    assert page.locator("img, svg, script:not([type=module])").count() == 0
    assert page.dialogs == []
