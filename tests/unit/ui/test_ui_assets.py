"""The page's own files as a browser gets them: one entry ES module and the small modules it
imports, each from this server (no bundler, no CDN), all preloaded, every file in static/ used,
none setting HTML from a string, and the whole page at most 200 KB (issue 25's budget)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import generator.ui

STATIC = Path(generator.ui.__file__).parent / "static"
#: The modules of the page, by concern (fixed: a new one is added here on purpose).
MODULES = {
    "ui.js",
    "dom.js",
    "state.js",
    "form.js",
    "routes.js",
    "preview.js",
    "diff.js",
    "take.js",
    "saved.js",
    "keys.js",
}
BUDGET = 200 * 1024
IMPORT = re.compile(r'^import\s+(?:[^;]*?\s+from\s+)?"([^"]+)";', re.MULTILINE)


@pytest.fixture
def page(client):
    answer = client.get("/", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    return answer.data.decode()


def served(client, path: str) -> tuple[str, bytes]:
    """The mimetype and bytes of a file the server sends (the file closed again)."""
    with client.get(path) as answer:
        assert answer.status_code == 200, path
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'self';")
        return answer.mimetype, answer.get_data()


def fetched(client, path: str) -> bytes:
    return served(client, path)[1]


def module_graph(client, entry: str) -> dict[str, bytes]:
    """Every module the browser loads from entry: name -> its bytes as served."""
    found: dict[str, bytes] = {}
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        mimetype, found[name] = served(client, f"/static/{name}")
        assert mimetype in ("text/javascript", "application/javascript"), name
        for specifier in IMPORT.findall(found[name].decode()):
            # A module of this folder, named as the browser resolves it against /static/.
            assert re.fullmatch(r"\./[a-z]+\.js", specifier), (name, specifier)
            todo.append(specifier.removeprefix("./"))
    return found


def test_the_page_loads_one_entry_module_that_imports_the_others(client, page):
    assert re.findall(r'<script type="module" src="([^"]+)"></script>', page) == ["/static/ui.js"]
    assert set(module_graph(client, "ui.js")) == MODULES


def test_every_imported_module_is_preloaded(page):
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', page)
    assert sorted(preloaded) == sorted(MODULES - {"ui.js"})


def test_every_file_in_static_is_used_by_the_page():
    assert {path.name for path in STATIC.iterdir()} == MODULES | {"ui.css"}


def test_the_page_and_its_assets_are_within_200_kb(client, page):
    modules = module_graph(client, "ui.js")
    total = len(page.encode()) + len(fetched(client, "/static/ui.css"))
    total += sum(len(body) for body in modules.values())
    assert total <= BUDGET, f"{total} bytes"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_is_small_and_never_sets_html_from_a_string(client, name):
    text = fetched(client, f"/static/{name}").decode()
    assert len(text.splitlines()) <= 150
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in text, (name, sink)
    assert "new Function" not in text
    assert "http://" not in text and "https://" not in text
