"""The CLI's hostile strings through the `dualgen ui` page in Debian's Chromium: every payload of
the CLI's suites as a project name, a route path, a setting value and a resource field name, in
a shared link and typed into the form. Each reaches the page as text: what the page shows is the
CLI's own message for it (or the command that takes it), no element or script comes of it, and
the Content-Security-Policy never has to block anything. The API's 400s carry the same lines.

One browser and one page serve every value (a browser per value would take minutes)."""

from __future__ import annotations

import re
import shlex
from urllib.parse import urlencode

import pytest
import requests

from generator.ui.state import BLANKS
from tests.helpers import missing, run_main
from tests.integration.test_compare_browser import ARTIFACTS, find_chromium
from tests.integration.test_events import HOSTILE as EVENT_DATA
from tests.integration.test_hostile_input import HOSTILE_CLIENTS
from tests.integration.test_ui_browser import HOSTILE as PAGE_HOSTILE
from tests.integration.ui_server import start_ui
from tests.unit.spec.test_spec_hostile_fields import PAYLOADS
from tests.unit.ui.test_ui_answers_zip import HOSTILE as ZIP_HOSTILE

pytestmark = pytest.mark.integration
sync_api = pytest.importorskip("playwright.sync_api")

#: Every hostile string of the CLI's suites (test_spec_hostile_fields' payloads, the values
#: test_spec_hostile_answers refuses, the raw X-Forwarded-For bytes of test_hostile_input as a
#: server reads them, the event data of test_events), the page's own (each sets window.pwned
#: if it ever runs) and the answers zip's. Lone surrogates are left out: a URL cannot carry one.
SUITE = list(
    dict.fromkeys(
        [
            *PAYLOADS.values(),
            *(raw.decode("latin-1") for raw in HOSTILE_CLIENTS),
            *(data for data in EVENT_DATA if isinstance(data, str) and data.strip()),
            "<img src=x onerror=alert(1)>",
            "[x](javascript:x)",
            "²",
            "¹",
            "ﬃ" * 100,
            "::1%\nSECRET=x\n#",
            *PAGE_HOSTILE,
            *ZIP_HOSTILE,
            # Field names JavaScript objects hold already, and a keyword: kept as data.
            "__proto__",
            "constructor",
            "class",
        ]
    )
)

IDS = [f"{n}-{re.sub('[^a-z0-9]+', '-', p.lower()).strip('-')[:16]}" for n, p in enumerate(SUITE)]

#: Where a payload goes: the query parameter and its value there.
PLACES = {
    "name": ("name", lambda p: p),
    "route path": ("route", lambda p: f"GET /{p}"),
    "setting": ("set", lambda p: f"cors.origins={p}"),
    "resource field": ("route", lambda p: f"resource /things {p}:str"),
    "port": ("port", lambda p: p),
    "host": ("host", lambda p: p),
}
#: The option of dualgen new each parameter is (a name is its argument).
OPTION = {"route": "-r", "set": "--set", "port": "--port", "host": "--host"}
#: One link per group (a parameter appears once in each, so each value is dropped alone).
LINKS = (("name", "route path", "setting", "port", "host"), ("resource field",))
#: Beside every value: the middleware the setting belongs to.
CONTEXT = [("middleware", "cors")]

#: Recorded in the page before its own script runs: what the Content-Security-Policy blocked.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
"""


def cli(param: str, value: str) -> str | None:
    """The CLI's one line for `dualgen new both -m cors` with the value as the page applies
    it (a name as given, any other value without ASCII blanks around it), None if it takes it."""
    args = [value] if param == "name" else [OPTION[param], value.strip(BLANKS)]
    code, stderr = run_main("new", "both", "-m", "cors", *args, "--no-input", "--dry-run")
    assert code in (0, 2) and stderr.count("\n") == (code == 2), stderr
    return stderr.removeprefix("dualgen: error: ").removesuffix("\n") if code else None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ui-hostile")
    started = start_ui(None, folder)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def page(server, request):
    chromium = find_chromium()
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(chromium), args=["--no-sandbox"]
            )
        except sync_api.Error as error:
            missing(f"Playwright cannot start {chromium}: {error}")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(WATCH)
        opened = context.new_page()
        opened.seen = {"dialogs": [], "console": [], "requests": []}
        opened.on("dialog", lambda d: (opened.seen["dialogs"].append(d.message), d.dismiss()))
        opened.on(
            "console",
            lambda m: m.type == "error" and opened.seen["console"].append(m.text),
        )
        opened.on("request", lambda r: opened.seen["requests"].append(r.url))
        failed = request.session.testsfailed
        opened.goto(server.url)  # the token's cookie, once
        yield opened
        if request.session.testsfailed > failed:
            ARTIFACTS.mkdir(exist_ok=True)
            opened.screenshot(path=ARTIFACTS / "ui-hostile.png")
        browser.close()


def text_of(page, selector: str) -> str | None:
    """textContent of a visible element, None when it is hidden."""
    return page.evaluate(
        "s => { const e = document.querySelector(s); return e.hidden ? null : e.textContent; }",
        selector,
    )


def wait_text(page, selector: str, text: str) -> None:
    """Wait until the element's textContent is exactly `text` (no whitespace folded)."""
    try:
        page.wait_for_function(
            "([s, t]) => document.querySelector(s)?.textContent === t",
            arg=[selector, text],
            timeout=15_000,
        )
    except sync_api.TimeoutError:
        raise AssertionError(f"{selector}: {text_of(page, selector)!r} != {text!r}") from None


def assert_nothing_ran(page, server) -> None:
    """No element, script, dialog or request came of a value; CSP never had to step in."""
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("window.__violations") == []
    assert page.locator("img, svg, iframe, object, embed, script:not([type=module])").count() == 0
    assert page.locator("#notice *, .error *, #command *, #write-result *").count() == 0
    assert page.seen["dialogs"] == []
    assert [m for m in page.seen["console"] if "Content Security Policy" in m] == []
    assert [url for url in page.seen["requests"] if not url.startswith(server.base + "/")] == []


def expected_command(taken: list[tuple[str, str]]) -> str:
    """The line the page shows for the values the CLI took (in the order dualgen new writes)."""
    given = dict(taken)
    args = ["both", *([given["name"]] if "name" in given else [])]
    args += [part for key in ("port", "host") if key in given for part in (f"--{key}", given[key])]
    args += ["-m", "cors"]
    args += [part for key, v in taken if key == "route" for part in ("-r", v)]
    args += [part for key, v in taken if key == "set" for part in ("--set", v)]
    return "dualgen new " + shlex.join([*args, "--no-input"])


@pytest.mark.parametrize("payload", SUITE, ids=IDS)
@pytest.mark.parametrize("places", LINKS, ids=["fields", "resource"])
def test_a_hostile_link_is_listed_as_text_with_the_clis_messages(page, server, payload, places):
    items = CONTEXT + [(PLACES[p][0], PLACES[p][1](payload)) for p in places]
    refused, taken = [], []
    for param, value in items[len(CONTEXT) :]:
        message = cli(param, value)
        # The API's 400 for the value alone (beside its middleware) is the CLI's line.
        answer = requests.get(
            f"{server.base}/api/command?{urlencode([*CONTEXT, (param, value)])}", timeout=30
        )
        assert (answer.status_code, answer.json().get("error")) == (
            (400, message) if message else (200, None)
        )
        (refused if message else taken).append(
            f"{param}={value} ({message})" if message else (param, value.strip(BLANKS))
        )
    page.goto(f"{server.base}/?{urlencode(items)}")
    sync_api.expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
    notice = f"Not applied from the link: {'; '.join(refused)}" if refused else None
    assert (text_of(page, "#notice"), text_of(page, "#command")) == (
        notice,
        expected_command(taken),
    )
    assert_nothing_ran(page, server)


def test_hostile_values_typed_into_the_form_show_the_clis_message_as_text(page, server):
    page.goto(f"{server.base}/?middleware=cors")
    sync_api.expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=30_000)
    add = page.get_by_role("button", name="Add a route")
    add.click()
    add.click()
    page.get_by_role("combobox", name="Route method").nth(1).select_option("resource")
    page.get_by_role("textbox", name="Route path").nth(1).fill("/things")
    resource = page.get_by_role("textbox", name="Resource fields")
    resource.fill("a:str")
    resource.dispatch_event("change")
    sync_api.expect(page.locator("#command")).to_contain_text("-r 'resource /things a:str'")
    # Each field: its label, where its refusal shows, what is typed into it, the query value
    # it makes, and what it holds between the checks. A change (as leaving the field makes)
    # applies a value at once.
    fields = [
        ("name", "Name", "name", "{}", "{}", ""),
        ("port", "Port", "port", "{}", "{}", ""),
        ("host", "Host", "host", "{}", "{}", ""),
        ("route", "Route path", "route", "/{}", "GET {}", ""),
        ("set", "cors.origins", "set:cors", "{}", "cors.origins={}", ""),
        ("route", "Resource fields", "route", "{}:str", "resource /things {}", "a:str"),
    ]
    shown = 0
    for param, label, note, typed, query, rest in fields:
        box = page.get_by_role("textbox", name=label, exact=True).first
        for payload in SUITE:
            box.fill(typed.format(payload))
            box.dispatch_event("change")
            # What the page sends: the box's value (an <input> drops line breaks), trimmed.
            value = query.format(page.evaluate("s => s.trim()", box.input_value()))
            message = cli(param, value)
            if message is None:  # taken: the command shows it
                wait_command(page, value.strip(BLANKS))
                continue
            wait_text(page, f'[data-error-for="{note}"]', message)
            wait_text(page, "#notice", f"Not applied: {message}")
            shown += 1
        box.fill(rest)
        box.dispatch_event("change")
        assert_nothing_ran(page, server)
    assert shown > 5 * len(SUITE)


def wait_command(page, value: str) -> None:
    page.wait_for_function(
        "v => document.body.dataset.state === 'ok'"
        " && document.querySelector('#command').textContent.includes(v)",
        arg=value,
        timeout=15_000,
    )
