"""Workshop files: the built-in workshop, validation (exit 2, one line, nothing written), the
change rules, hints, the handout's Markdown and escaping, and the package data."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.workshop import handout as _handout
from generator.workshop import markdown as _markdown
from generator.workshop import model as workshops
from tests.helpers import ROOT, run_main

BUILTIN = "flask-vs-express"
IDS = [
    "hello-world",
    "environment",
    "route-parameter",
    "json",
    "logging-and-cors",
    "tests",
    "production",
    "store-data",
    "real-time",
]


def test_the_builtin_workshop_follows_the_article():
    found = workshops.load_workshop(BUILTIN)
    assert [step.id for step in found.steps] == IDS
    assert [step.folder for step in found.steps][2] == "03-route-parameter"
    first, second, third, fourth, fifth, sixth, seventh, eighth, ninth = found.steps
    assert first.spec.classic and first.spec.debug
    assert not second.spec.classic and second.spec.port is None
    assert [route.label for route in third.spec.routes] == ["GET /", "GET /users/{id:int}"]
    assert fourth.added == ("json-body", "error-handlers")
    assert [route.label for route in fourth.spec.routes][-1] == "POST /users"
    assert fifth.added == ("logging", "cors")
    assert sixth.added == ("tests",) and "tests" in sixth.checks()
    assert seventh.added == ("production-server",) and seventh.production
    assert eighth.added == ("database",) and eighth.production
    assert [resource.label for resource in eighth.spec.resources] == ["resource /items"]
    assert eighth.spec.setting("database", "url") == "sqlite:///app.db"
    assert eighth.checks()[-2:] == ["resource /items: kept across a restart", "tests"]
    assert ninth.added == ("events",) and ninth.spec.resources == eighth.spec.resources
    assert ninth.checks()[-5:] == [
        "event stream: opens at once",
        "event stream: a posted event arrives",
        "event stream: resumes after Last-Event-ID",
        "resource /items: kept across a restart",
        "tests",
    ]
    assert all(step.explanation and step.exercises for step in found.steps)


def test_workshop_list_names_the_builtin_workshop_and_its_steps(invoke):
    result = invoke("workshop", "list")
    assert result.exit_code == 0
    assert "flask-vs-express: Flask and Express, side by side (9 steps)" in result.output
    assert "   3  A route with a typed parameter" in result.output
    assert "   8  Store data\n   9  Real-time updates\n" in result.output


def test_a_hint_holds_from_its_step_until_a_later_step_gives_another():
    found = workshops.load_workshop(BUILTIN)
    not_int = "GET /users/{id:int}: id not an int"
    assert found.hint(3, not_int) == found.steps[2].hints[not_int]
    assert found.hint(4, not_int) == found.steps[3].hints[not_int] != found.hint(3, not_int)
    assert found.hint(6, not_int) == found.steps[3].hints[not_int]
    assert found.hint(3, "start") == found.steps[1].hints["start"]
    assert found.hint(7, "start") == found.steps[6].hints["start"]
    assert found.hint(1, "no X-Powered-By") == ""


def step(**fields) -> dict[str, object]:
    return {"id": "one", "title": "One", "explanation": "Text.", **fields}


def parse(*steps: dict[str, object], **top) -> workshops.Workshop:
    data = {"title": "T", "steps": list(steps), **top}
    return workshops.parse_workshop(data, "w", reference="w.yaml")


def test_changes_add_and_remove_middleware_routes_and_settings():
    found = parse(
        step(change={"add-middleware": ["cors"], "port": 8080, "add-routes": ["GET /a/{n:int}"]}),
        step(
            id="two",
            change={
                "settings": {"cors": {"origins": ["https://app.example"]}},
                "add-routes": [{"method": "POST", "path": "/a", "status": 201}],
            },
        ),
        step(
            id="three", change={"remove-middleware": ["cors"], "remove-routes": ["GET /a/{n:int}"]}
        ),
        step(id="four", change={"port": None}),
    )
    one, two, three, four = (s.spec for s in found.steps)
    assert one.middleware == ("cors",) and one.port == 8080
    assert [r.label for r in one.routes] == ["GET /", "GET /a/{n:int}"]
    assert two.setting("cors", "origins") == ["https://app.example"]
    assert [r.label for r in two.routes] == ["GET /", "GET /a/{n:int}", "POST /a"]
    assert three.middleware == () and three.settings == {}
    assert [r.label for r in three.routes] == ["GET /", "POST /a"]
    assert four.port is None
    assert found.steps[2].removed == ("cors",)


BAD_FILES = [
    pytest.param("title: &t x\nsteps: *t\n", "aliases (*name) are not allowed", id="alias"),
    pytest.param("- a\n- b\n", "must hold a mapping (title, name, steps), not list", id="list"),
    pytest.param("title: [\n", "is not valid YAML at line", id="bad-yaml"),
    pytest.param("title: T\nsteps: []\ncolour: red\n", "key 'colour' is unknown", id="unknown-key"),
    pytest.param("steps: []\n", "title must be a line of text, got nothing", id="no-title"),
    pytest.param('title: "a\\nb"\nsteps: []\n', "holds the character '\\n'", id="two-line-title"),
    pytest.param("title: T\nsteps: []\n", "steps must be a list of 1 to 50 steps", id="no-steps"),
    pytest.param("title: T\nname: ../x\nsteps: []\n", "name '../x' is a path", id="bad-name"),
]
BAD_STEPS = [
    pytest.param({"id": "Route Param"}, "id 'Route Param' must be 1 to 40", id="bad-id"),
    pytest.param({"colour": "red"}, "step 1: key 'colour' is unknown", id="unknown-step-key"),
    pytest.param({"explanation": None}, "explanation must be text, got nothing", id="no-text"),
    pytest.param({"explanation": "a\x07b"}, "holds the character '\\x07'", id="control-char"),
    pytest.param({"title": "x" * 121}, "title is 121 characters long", id="long-title"),
    pytest.param(
        {"change": {"add-middleware": ["teleport"]}},
        "step 1 (two): middleware 'teleport' is unknown",
        id="unknown-middleware",
    ),
    pytest.param({"change": {"colour": 1}}, "change: key 'colour' is unknown", id="change-key"),
    pytest.param(
        {"change": {"remove-middleware": ["cors"]}},
        "middleware 'cors' is not chosen, so it cannot be removed; chosen: none",
        id="remove-unchosen",
    ),
    pytest.param(
        {"change": {"remove-routes": ["GET /nope"]}},
        "route 'GET /nope' is not chosen, so it cannot be removed; chosen: none",
        id="remove-unknown-route",
    ),
    pytest.param(
        {"change": {"add-routes": ["GET users"]}}, "route path 'users' must start", id="bad-route"
    ),
    pytest.param(
        {"change": {"classic": True, "add-middleware": ["cors"]}},
        "classic reproduces the article's programs exactly",
        id="spec-conflict",
    ),
    pytest.param(
        {"change": {"settings": {"cors": {"origins": ["https://a.example"]}}}},
        "settings of cors are given but cors is not chosen",
        id="settings-unchosen",
    ),
    pytest.param({"change": {"port": 99999}}, "port 99999 is not a number", id="bad-port"),
    pytest.param(
        {"hints": {"GET /nope": "x"}},
        "a hint for 'GET /nope', which is not one of this step's checks: start, GET /,",
        id="hint-for-no-check",
    ),
]


def build_exit(tmp_path: Path, source: str) -> tuple[int, str]:
    code, err = run_main("workshop", "build", source, "-o", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
    return code, err


def assert_one_line(code: int, err: str, message: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("dualgen: error: "), err
    assert message in err


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_a_bad_workshop_file_exits_2_in_one_line_and_writes_nothing(text, message, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    assert_one_line(*build_exit(tmp_path, str(path)), message)


@pytest.mark.parametrize(("fields", "message"), BAD_STEPS)
def test_a_bad_step_exits_2_naming_the_step(fields, message, tmp_path):
    import yaml

    second = {**step(id="two"), **fields}
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({"title": "T", "steps": [second]}), encoding="utf-8")
    code, err = build_exit(tmp_path, str(path))
    assert_one_line(code, err, message)
    assert f"workshop file {str(path)!r}: step 1" in err


def test_ids_are_unique(tmp_path):
    with pytest.raises(SpecError, match="id 'one' is already the id of an earlier step"):
        parse(step(), step())


@pytest.mark.parametrize("kind", ["folder", "big", "latin-1", "missing"], ids=lambda kind: kind)
def test_only_a_small_regular_utf8_file_is_read(kind, tmp_path):
    path = tmp_path / "w.yaml"
    if kind == "folder":
        path.mkdir()
    elif kind == "big":
        path.write_text("title: T\n" + "#" * workshops.MAX_WORKSHOP_FILE, encoding="utf-8")
    elif kind == "latin-1":
        path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    messages = {
        "folder": "is not a regular file",
        "big": "is larger than 1024 KiB",
        "latin-1": "is not UTF-8 text",
        "missing": "is neither a built-in workshop (flask-vs-express) nor a file",
    }
    assert_one_line(*build_exit(tmp_path, str(path)), messages[kind])


def test_an_existing_output_folder_is_refused_without_force(tmp_path):
    (tmp_path / "out").mkdir()
    code, err = run_main("workshop", "build", BUILTIN, "-o", str(tmp_path / "out"))
    assert_one_line(code, err, "already exists; use --force")
    assert list((tmp_path / "out").iterdir()) == []


HOSTILE = [
    pytest.param("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", id="tag"),
    pytest.param("[x](javascript:alert(1))", "[x](javascript:alert(1))", id="js-link"),
    pytest.param("[x](JavaScript:alert`1`)", "[x](JavaScript:alert`1`)", id="js-link-case"),
    pytest.param("[x](data:text/html,hi)", "[x](data:text/html,hi)", id="data-link"),
    pytest.param('`a" onmouseover="x`', "<code>a&quot; onmouseover=&quot;x</code>", id="code"),
    pytest.param(
        "[ok](https://a.example/?q=1&r=2)", '<a href="https://a.example/?q=1&amp;r=2">ok', id="link"
    ),
]


@pytest.mark.parametrize(("text", "expected"), HOSTILE)
def test_markdown_escapes_everything_and_links_only_to_safe_addresses(text, expected):
    html = _markdown.to_html(text)
    assert expected in html
    assert "<script" not in html and 'href="javascript' not in html.lower()
    assert 'href="data' not in html


def test_markdown_blocks():
    html = _markdown.to_html("# Big\n\n- a\n- *b*\n\n1. one\n\n```python\nx = 'y'\n```\n\n> q")
    assert "<h3>Big</h3>" in html
    assert "<ul><li>a</li><li><em>b</em></li></ul>" in html
    assert "<ol><li>one</li></ol>" in html
    assert "x = <span class=\"str\">'y'</span>" in html
    assert "<blockquote><p>q</p></blockquote>" in html


# Issue 27 (low): quotes nested deeper than a stack holds, and inputs that made the link
# pattern quadratic.


def test_a_quote_nested_1500_deep_renders_and_its_deepest_marks_stay_text():
    html = _markdown.to_html(">" * 1500 + " deep")
    depth = _markdown.MAX_QUOTE_DEPTH
    kept = "&gt;" * (1500 - depth - 1)
    assert html == "<blockquote>" * depth + f"<p>{kept} deep</p>" + "</blockquote>" * depth


def test_1500_lines_quoted_ever_deeper_render_within_the_quote_limit():
    html = _markdown.to_html("\n".join(">" * depth + f" d{depth}" for depth in range(1, 1501)))
    depth = _markdown.MAX_QUOTE_DEPTH
    assert html.count("<blockquote>") == html.count("</blockquote>") == depth
    assert html.startswith("<blockquote><p>d1</p>\n<blockquote><p>d2</p>")
    assert f"<p>d{depth}</p>\n<p>d{depth + 1} &gt; d{depth + 2} &gt;&gt; d{depth + 3} " in html
    assert html.endswith(" " + "&gt;" * (1500 - depth - 1) + " d1500</p>" + "</blockquote>" * depth)


def test_a_quote_within_the_limit_is_all_quote_after_a_deep_one_too():
    expected = "<blockquote><p>a</p>\n<blockquote><p>b</p></blockquote></blockquote>"
    assert _markdown.to_html("> a\n>> b") == expected
    _markdown.to_html(">" * 100 + " deep")  # each quote's depth is given back after it
    assert _markdown.to_html("> a\n>> b") == expected


# 200,000 characters: the old link pattern scanned to the end of the line from every `[`,
# minutes of work here (60,000 took 25 s); the linear one takes milliseconds.
LARGE_HOSTILE = {
    "brackets": "[" * 200_000,
    "open-links": "[a" * 100_000,
    "closed-texts": "[a]" * 70_000,
}


@pytest.mark.parametrize("kind", list(LARGE_HOSTILE), ids=list(LARGE_HOSTILE))
def test_a_large_hostile_paragraph_renders_and_keeps_its_one_real_link(kind):
    text = LARGE_HOSTILE[kind] + " [ok](https://a.example/) tail"
    html = _markdown.to_html(text)
    assert html.startswith("<p>" + LARGE_HOSTILE[kind][:30])
    assert html.endswith(' <a href="https://a.example/">ok</a> tail</p>')
    assert html.count("<a ") == 1
    assert html.count("[") == LARGE_HOSTILE[kind].count("[")


def test_a_link_text_holds_no_bracket_but_the_inner_link_is_one():
    html = _markdown.inline("[see [ok](https://a.example/)")
    assert html == '[see <a href="https://a.example/">ok</a>'


def test_the_handout_escapes_the_workshop_file_and_keeps_its_markdown(tmp_path):
    from generator.compare import read_tree
    from generator.render import render_tree

    evil = "</title><script>alert(1)</script>"
    found = parse(step(title=evil, explanation=f"**{evil}**", exercises=[evil]), title=evil)
    trees = {
        (1, name): read_tree(render_tree(found.steps[0].spec, name, tmp_path / name), name)
        for name in ("flask", "express")
    }
    lessons = _handout.lessons(found, trees)
    page = _handout.render_html(found, lessons)
    assert "<script>" not in page
    # <title>, <h1>, the contents, the step's <h2>, its explanation, its exercise
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6
    markdown = _handout.render_markdown(found, lessons)
    assert f"## Step 1: {evil}" in markdown and f"**{evil}**" in markdown
    assert "dualgen check --step 1 --workshop w.yaml ." in page


def css_rules(page: str) -> dict[str, str]:
    """The declarations of every rule in a page's <style>, by each selector of the rule."""
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    style = re.sub(r"@media[^{]*\{((?:[^{}]*\{[^{}]*\})*)[^{}]*\}", "", style)
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", style):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + body.strip()
    return rules


def test_a_number_in_the_handouts_code_is_coloured_like_any_token_and_not_spaced(tmp_path):
    from generator.compare import read_tree
    from generator.render import render_tree

    found = parse(step())
    trees = {
        (1, name): read_tree(render_tree(found.steps[0].spec, name, tmp_path / name), name)
        for name in ("flask", "express")
    }
    page = _handout.render_html(found, _handout.lessons(found, trees))
    assert '<span class="num">3000</span>' in page
    rules = css_rules(page)
    classes = [s for s in rules if re.search(r"\.num\b", s)]
    assert classes == [".num"]
    assert rules[".num"] == "color: var(--num);"
    assert '<h2><span class="step-no">Step 1</span> One</h2>' in page
    assert "margin-right: 6px" in rules[".step-no"]


def test_the_readme_example_is_a_valid_workshop_file(tmp_path):
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Teaching a workshop") :]
    example = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)
    path = tmp_path / "my-workshop.yaml"
    path.write_text(example, encoding="utf-8")
    found = workshops.load_workshop(str(path))
    assert [step.folder for step in found.steps] == ["01-hello-world", "02-route-parameter"]
    assert found.hint(2, "GET /users/{id:int}") == "Answer JSON with the id as a number."
    assert found.reference == "my-workshop.yaml"


def test_the_workshop_files_are_installed_as_package_data():
    tomllib = pytest.importorskip("tomllib")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    assert "generator.workshop" in setuptools["packages"]
    globs = setuptools["package-data"]["generator.workshop"]
    package = ROOT / "generator" / "workshop"
    data = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    ]
    assert "flask-vs-express.yaml" in data and "templates/handout.html.j2" in data
    assert all(any(fnmatch.fnmatch(name, glob) for glob in globs) for name in data), data


MARKDOWN = """Intro line
  continues **bold** and _it_ and *em*

## Sub ##
###### Deep

* one
  more
* two
- three

3) x
4. y
not a list item
```JS
let a = 1;
~~~
```
~~~~
~~~ inner
~~~~
> a
>b

######\x20
text `` a`b `` [l](/x?y) [m](mailto:a@b) [bad](x:y/z) [rel](a/b:c) [h](HTTP://x)"""

MARKDOWN_HTML = """<p>Intro line continues <strong>bold</strong> and <em>it</em> and <em>em</em></p>
<h3>Sub</h3>
<h6>Deep</h6>
<ul><li>one more</li><li>two</li><li>three</li></ul>
<ol><li>x</li><li>y</li></ol>
<p>not a list item</p>
<pre class="md"><code><span class="kw">let</span> a = <span class="num">1</span>;
~~~</code></pre>
<pre class="md"><code>~~~ inner</code></pre>
<blockquote><p>a b</p></blockquote>
<p>###### text <code>a`b</code> <a href="/x?y">l</a> <a href="mailto:a@b">m</a> [bad](x:y/z) \
<a href="a/b:c">rel</a> <a href="HTTP://x">h</a></p>"""


def test_markdown_document_as_fixed_html():
    assert _markdown.to_html(MARKDOWN, heading_level=2) == MARKDOWN_HTML
    assert _markdown.to_html("a\r\nb") == "<p>a b</p>"
    assert _markdown.to_html("```\n<b>") == '<pre class="md"><code>&lt;b&gt;</code></pre>'
    assert _markdown.to_html("#  T") == "<h3>T</h3>"


def test_any_block_ends_a_paragraph():
    text = "p\n> q\n\np\n1. n\n\np\n- b\n\np\n# h\n\np\n```\nc\n```"
    assert _markdown.to_html(text).split("\n") == [
        "<p>p</p>",
        "<blockquote><p>q</p></blockquote>",
        "<p>p</p>",
        "<ol><li>n</li></ol>",
        "<p>p</p>",
        "<ul><li>b</li></ul>",
        "<p>p</p>",
        "<h3>h</h3>",
        "<p>p</p>",
        '<pre class="md"><code>c</code></pre>',
    ]


def test_a_step_number_is_one_of_the_workshops_steps():
    found = parse(step(), step(id="two"))
    assert [found.step(1).id, found.step(2).id] == ["one", "two"]
    for number in (0, 3):
        with pytest.raises(workshops.UsageError) as error:
            found.step(number)
        assert str(error.value) == f"step {number} does not exist; 'T' has steps 1 to 2"


def test_a_wrong_value_is_shown_in_the_message_up_to_40_characters():
    with pytest.raises(SpecError) as error:
        parse(step(title=10**45))
    assert str(error.value) == (
        "w: step 1 (one): title must be a line of text, got int '" + "1" + "0" * 39 + "'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("title: T\nsteps: [\n", "is not valid YAML at line 3", id="line"),
        pytest.param("[" * 5000, "is nested too deeply", id="deep"),
        pytest.param(
            "a: &x 1\nb: *x\n",
            "is not valid YAML at line 2: aliases (*name) are not allowed in an answer file",
            id="alias",
        ),
        pytest.param("title: \x01\n", "is not valid YAML", id="control-character"),
        pytest.param("3", "must hold a mapping (title, name, steps), not int '3'", id="int"),
        pytest.param("", "must hold a mapping (title, name, steps), not nothing", id="empty"),
        pytest.param("title: T\n" + "#" * (1024 * 1024 - 8), "is larger than 1024 KiB", id="big"),
        pytest.param("title: T\n" + "#" * (1024 * 1024 - 9), {"title": "T"}, id="largest"),
    ],
)
def test_a_workshop_file_is_read_or_refused_with_a_fixed_message(text, expected, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    if isinstance(expected, dict):
        assert workshops.read_workshop_file(path) == expected
        return
    with pytest.raises(SpecError) as error:
        workshops.read_workshop_file(path)
    assert str(error.value) == f"workshop file {str(path)!r} {expected}"


@pytest.mark.parametrize(
    ("value", "options", "expected"),
    [
        pytest.param("  T \t", {"line": True}, "T", id="line-stripped"),
        pytest.param("\n  a\t\n\n", {}, "  a\t", id="text-keeps-spaces"),
        pytest.param("x" * 120, {"line": True}, "x" * 120, id="longest-line"),
        pytest.param(
            "x" * 121, {"line": True}, "is 121 characters long; the limit is 120", id="long"
        ),
        pytest.param("x" * 20_000, {}, "x" * 20_000, id="longest-text"),
        pytest.param("x" * 20_001, {}, "is 20001 characters long; the limit is 20000", id="text"),
        pytest.param("a\tb", {"line": True}, "holds the character '\\t', which is not", id="tab"),
        pytest.param("a\nb", {}, "a\nb", id="text-lines"),
        pytest.param("a\n\tb", {}, "a\n\tb", id="text-indented"),
        pytest.param("a\nb", {"line": True}, "holds the character '\\n', which", id="line-break"),
        pytest.param("X marks\n", {}, "X marks", id="text-stripped-of-line-breaks-only"),
        pytest.param("a\u2028b", {}, "holds the character '\\u2028', which", id="line-separator"),
        pytest.param("a\u2029b", {}, "holds the character '\\u2029', which", id="paragraph"),
        pytest.param("a\ud800b", {}, "holds the character '\\ud800', which", id="surrogate"),
        pytest.param("a\x7fb", {}, "holds the character '\\x7f', which", id="delete"),
        pytest.param("  ", {}, "must be text, got str '  '", id="blank"),
        pytest.param("  ", {"required": False}, "  ", id="blank-optional"),
        pytest.param(None, {"required": False}, "must be text, got nothing", id="none-optional"),
        pytest.param(["a"], {"line": True}, "must be a line of text, got list", id="list"),
    ],
)
def test_text_is_checked_at_its_limits(value, options, expected):
    if not expected.startswith(("is ", "holds ", "must ")):
        assert workshops._text(value, "w: title", **options) == expected
        return
    with pytest.raises(SpecError) as error:
        workshops._text(value, "w: title", **options)
    assert str(error.value).startswith(f"w: title {expected}")


@pytest.mark.parametrize(
    ("change", "answers", "message"),
    [
        pytest.param(
            3,
            {},
            "change must be a mapping of port, host, debug, classic, env-file, "
            "production-server, docker, tests, strict-parity, add-middleware, remove-middleware, "
            "settings, add-routes, remove-routes",
            id="not-a-mapping",
        ),
        pytest.param(
            {"add-middleware": "cors"},
            {},
            "add-middleware 'cors' must be a list",
            id="add-not-a-list",
        ),
        pytest.param(
            {"add-middleware": [3]},
            {},
            "add-middleware: 3 must be a catalog key (see `dualgen options`)",
            id="add-not-a-key",
        ),
        pytest.param(
            {"add-middleware": ["cors"]},
            {"middleware": ["cors"]},
            "middleware 'cors' is already chosen, so it cannot be added again; not chosen: "
            "health, proxy, request-id, logging, security-headers, compression, rate-limit, "
            "json-body, events, static, error-handlers, database",
            id="twice",
        ),
        pytest.param(
            {"remove-middleware": [1]},
            {},
            "remove-middleware: 1 must be a catalog key (see `dualgen options`)",
            id="remove-not-a-key",
        ),
        pytest.param(
            {"settings": [1]},
            {},
            "settings [1] must map middleware keys to settings",
            id="settings-not-a-mapping",
        ),
        pytest.param(
            {},
            {"settings": "x"},
            "settings 'x' must map middleware keys to settings",
            id="answers-settings-not-a-mapping",
        ),
        pytest.param(
            {"settings": {"cors": 1}},
            {},
            "settings of 'cors' must be a mapping",
            id="setting-not-a-mapping",
        ),
        pytest.param({"add-routes": "x"}, {}, "add-routes 'x' must be a list", id="add-routes"),
        pytest.param(
            {"remove-routes": "x"}, {}, "remove-routes 'x' must be a list", id="remove-routes"
        ),
    ],
)
def test_a_bad_change_is_refused_with_a_fixed_message(change, answers, message):
    with pytest.raises(SpecError) as error:
        workshops.apply_change(answers, change, "w")
    assert str(error.value) == f"w: {message}"


def test_a_change_drops_a_default_and_the_settings_of_removed_middleware():
    before = {"port": 80, "middleware": ["cors", "logging"], "settings": {"cors": {"a": 1}}}
    assert workshops.apply_change(before, {"port": None, "remove-middleware": ["cors"]}, "w") == {
        "middleware": ["logging"]
    }
    kept = {"settings": {"logging": {"b": 2}}, "middleware": ["logging"]}
    assert workshops.apply_change(kept, {}, "w") == kept
    # nothing to drop: no port was set, the middleware removed has no settings
    bare = {"middleware": ["cors", "logging"]}
    assert workshops.apply_change(bare, {"port": None, "remove-middleware": ["cors"]}, "w") == {
        "middleware": ["logging"]
    }


@pytest.mark.parametrize(
    ("fields", "top", "message"),
    [
        pytest.param(
            {"exercises": "no"},
            {},
            "step 1 (one): exercises 'no' must be a list",
            id="exercises-not-a-list",
        ),
        pytest.param(
            {"exercises": [" "]},
            {},
            "step 1 (one): exercises must be text, got str ' '",
            id="blank-exercise",
        ),
        pytest.param(
            {"hints": []},
            {},
            "step 1 (one): hints must map check names to Markdown",
            id="hints-not-a-mapping",
        ),
        pytest.param(
            {"hints": {"start": " "}},
            {},
            "step 1 (one): hint for 'start' must be text, got str ' '",
            id="blank-hint",
        ),
        pytest.param(
            {},
            {"colour": 1},
            "key 'colour' is unknown; allowed: title, name, description, steps",
            id="unknown-key",
        ),
        pytest.param(
            {}, {"description": 3}, "description must be text, got int '3'", id="description"
        ),
    ],
)
def test_a_bad_workshop_is_refused_with_a_fixed_message(fields, top, message):
    with pytest.raises(SpecError) as error:
        parse(step(**fields), **top)
    assert str(error.value) == f"w: {message}"


def test_a_workshop_keeps_its_description_reference_and_the_tests_check():
    found = parse(step(change={"tests": True}), description=" d ")
    assert (found.description, found.reference) == (" d ", "w.yaml")
    assert found.steps[0].checks()[-2:] == ["no X-Powered-By", "tests"]
    assert parse(step()).steps[0].checks()[-1] == "no X-Powered-By"
    builtin = workshops.load_workshop("flask-vs-express")
    assert (builtin.reference, builtin.steps[0].folder) == ("flask-vs-express", "01-hello-world")
    with pytest.raises(SpecError) as error:
        workshops.load_workshop("nope")
    assert str(error.value) == (
        "workshop 'nope' is neither a built-in workshop (flask-vs-express) nor a file"
    )


def test_markdown_keeps_code_lines_and_lists_to_the_end():
    assert _markdown.to_html("```\na\r\nb\n```") == '<pre class="md"><code>a\nb</code></pre>'
    assert _markdown.to_html("- a\n b\n- c") == "<ul><li>a b</li><li>c</li></ul>"
    assert _markdown.to_html("text\n- a\n- b") == "<p>text</p>\n<ul><li>a</li><li>b</li></ul>"


def test_a_workshop_holds_up_to_50_steps_with_ids_up_to_40_characters():
    many = [step(id=f"s{number}") for number in range(50)]
    found = parse(*many, name="my-shop")
    assert (len(found.steps), found.name, found.description) == (50, "my-shop", "")
    with pytest.raises(SpecError, match="^w: steps must be a list of 1 to 50 steps$"):
        parse(*many, step(id="s50"))
    assert parse(step(id="a" * 40)).steps[0].id == "a" * 40
    with pytest.raises(SpecError) as error:
        parse(step(id="a" * 41))
    assert str(error.value) == (
        f"w: step 1: id {'a' * 41!r} must be 1 to 40 characters a-z, 0-9 and -, "
        "such as 'route-parameter'"
    )
    with pytest.raises(SpecError) as error:
        parse("one")
    assert str(error.value) == "w: step 1 must be a mapping (id, title, explanation, change)"
    assert workshops._text("\tx\t\n", "w", line=False) == "\tx\t"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_without_a_writer_is_refused_at_once(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: the file is opened without
    blocking, so a pipe given as a workshop file is refused instead of hanging the command."""
    import threading

    path = tmp_path / "w.yaml"
    os.mkfifo(path)
    outcome: list[object] = []

    def read() -> None:
        try:
            outcome.append(workshops.read_workshop_file(path))
        except SpecError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    hung = reader.is_alive()
    if hung:  # let the blocked open through, so that no thread is left behind
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
    assert not hung
    assert outcome == [f"workshop file {str(path)!r} is not a regular file"]


def test_a_workshop_file_read_in_short_pieces_is_put_together(tmp_path, monkeypatch):
    path = tmp_path / "w.yaml"
    path.write_text("title: T\n" + "#" * 10_000 + "\nname: shop\n", encoding="utf-8")
    real_read = os.read

    def read(descriptor, size):  # as a network file system may answer
        return real_read(descriptor, min(size, 4096))

    monkeypatch.setattr(os, "read", read)
    assert workshops.read_workshop_file(path) == {"title": "T", "name": "shop"}


def test_a_workshop_file_that_cannot_be_opened_is_named_with_the_reason(tmp_path):
    path = tmp_path / ("x" * 300)
    with pytest.raises(SpecError) as error:
        workshops.read_workshop_file(path)
    assert str(error.value) == f"workshop file {str(path)!r} cannot be read: File name too long"


def test_the_store_data_step_s_commands_say_how_to_apply_its_migrations():
    from generator.workshop.handout import commands

    found = workshops.load_workshop(BUILTIN)
    migrate = "Apply the migrations (the run commands do it too)"
    flask = commands(found, found.steps[7], "flask")
    assert [name for name, _ in flask][:4] == ["Get the step", "Install", migrate, "Run"]
    assert dict(flask)[migrate] == "flask db upgrade"
    assert dict(commands(found, found.steps[8], "express"))[migrate] == "npm run migrate"
    assert migrate not in dict(commands(found, found.steps[6], "flask"))


def test_a_step_s_commands_try_only_what_its_checks_check():
    from generator.workshop.handout import commands

    found = workshops.load_workshop(BUILTIN)
    tries = dict(commands(found, found.steps[8], "flask"))["Try it (another terminal)"]
    assert tries.splitlines()[0] == "curl -I http://127.0.0.1:5000/events"
    assert "[[[" not in tries  # the JSON nested too deep for a parser is no step's check
