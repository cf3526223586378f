"""generator.compare: the concept map, text/HTML/JSON views, the highlighter and diffs."""

from __future__ import annotations

import fnmatch
import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from generator import catalog
from generator import compare as cmp
from generator import highlight as hl
from generator import spec as specs
from generator.cli import main
from generator.errors import SpecError
from generator.render import ANSWERS_FILE, render_tree

ANSI = re.compile(r"\x1b\[[0-9;]*m")
EVERYTHING = {
    "middleware": [choice.key for choice in catalog.MIDDLEWARE],
    "routes": [{"method": "GET", "path": "/users/{id:int}"}],
    **{key: True for key in specs.SWITCHES},
}
ANSWERS = {
    "default": {},
    "classic": {"preset": "classic"},
    "api": {"preset": "api"},
    "production": {"preset": "production"},
    "everything": EVERYTHING,
    "one-file": {"middleware": [choice.key for choice in catalog.MIDDLEWARE]},
}
#: Text each concept's code holds in each framework: the anchors found the right thing.
EXPECTED_CODE = {
    "app": ("Flask(__name__", "express()"),
    "route": ("'/'", "get('/'"),
    "route-parameter": ("<int:", "/:"),
    "error-handling": ("errorhandler", "(err, req, res, next)"),
    "config": ("environ", "process.env"),
    "start": ("app.run(", "listen("),
    "dependencies": ("flask==", '"express"'),
    "tests": ("def test_hello", "test('GET /'"),
    "health": ("def answer_health_checks", "/healthz"),
    "proxy": ("ProxyFix(app.wsgi_app", "trust proxy"),
    "request-id": ("X-Request-ID", "X-Request-ID"),
    "logging": ("log_request", "morgan("),
    "security-headers": ("SECURITY_HEADERS", "helmet("),
    "cors": ("CORS(", "cors("),
    "compression": ("compress.init_app(app)", "compression("),
    "rate-limit": ("Limiter(", "rateLimit("),
    "json-body": ("def parse_json_body", "express.json("),
    "events": ("stream_with_context(", "'text/event-stream'"),
    "static": ("font-family", "express.static("),
    "database": ("SQLAlchemy()", "better-sqlite3"),
    "env-file": ("dotenv", "dotenv"),
    "production-server": ("workers", "cluster"),
    "docker": ("FROM python", "FROM node"),
    "strict-parity": ("merge_slashes = False", "unescape(path)"),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, tuple[specs.ProjectSpec, dict[str, Path]]]:
    """Each spec rendered once per framework, kept on disk to check file:line."""
    result = {}
    for label, answers in ANSWERS.items():
        spec = specs.build(answers)
        base = tmp_path_factory.mktemp(label)
        roots = {name: render_tree(spec, name, base / name) for name in catalog.FRAMEWORKS}
        result[label] = (spec, roots)
    return result


@pytest.fixture(scope="module")
def comparisons(rendered) -> dict[str, cmp.Comparison]:
    return {label: cmp.comparison_of(spec, roots) for label, (spec, roots) in rendered.items()}


@pytest.mark.parametrize("label", list(ANSWERS), ids=list(ANSWERS))
def test_every_concept_that_applies_resolves_in_both_trees(label, comparisons):
    comparison = comparisons[label]
    unresolved = [c.key for c in comparison.concepts if c.applies and not c.resolved]
    assert unresolved == []
    for concept in comparison.concepts:
        if not concept.applies:
            assert set(concept.places.values()) == {None}
            assert concept.hint


@pytest.mark.parametrize("label", list(ANSWERS), ids=list(ANSWERS))
def test_the_code_shown_is_at_the_file_and_line_given(label, rendered, comparisons):
    _, roots = rendered[label]
    checked = 0
    for concept in comparisons[label].concepts:
        for name, place in concept.places.items():
            if place is None:
                continue
            lines = (roots[name] / place.path).read_text(encoding="utf-8").splitlines()
            assert place.code, (concept.key, name)
            assert tuple(lines[place.line - 1 : place.end_line]) == place.code, (
                concept.key,
                name,
            )
            checked += 1
    applicable = [c for c in comparisons[label].concepts if c.applies]
    assert checked == 2 * len(applicable) >= 8


@pytest.mark.parametrize("label", list(ANSWERS), ids=list(ANSWERS))
def test_each_concept_finds_its_own_code(label, comparisons):
    for concept in comparisons[label].concepts:
        if not concept.applies:
            continue
        for name, needle in zip(catalog.FRAMEWORKS, EXPECTED_CODE[concept.key], strict=True):
            assert needle in "\n".join(concept.places[name].code), (concept.key, name)


@pytest.mark.parametrize(
    ("label", "applies"),
    [
        ("classic", {"app", "route", "start", "dependencies"}),
        ("default", {"app", "route", "start", "dependencies", "config"}),
    ],
    ids=["classic", "default"],
)
def test_concepts_a_small_project_lacks_are_marked_absent(label, applies, comparisons):
    assert {c.key for c in comparisons[label].concepts if c.applies} == applies


def test_chosen_catalog_choices_become_concepts(comparisons):
    keys = [c.key for c in comparisons["production"].concepts]
    fixed = [concept.key for concept in cmp.CONCEPTS]
    covered = {concept.covers for concept in cmp.CONCEPTS}
    chosen = [k for k in specs.build(ANSWERS["production"]).choices() if k not in covered]
    assert keys == fixed + chosen


def test_every_catalog_choice_has_anchors_for_both_frameworks():
    covered = {concept.covers for concept in cmp.CONCEPTS}
    for choice in catalog.MIDDLEWARE + catalog.CONFIG:
        if choice.key in covered:
            continue
        assert set(cmp.CATALOG_ANCHORS.get(choice.key, {})) == set(catalog.FRAMEWORKS), choice.key


def test_a_new_catalog_choice_appears_unlocated_until_it_has_anchors(comparisons, monkeypatch):
    side = catalog.Side((), "a note")
    new = catalog.Choice("brand-new", "Brand new", "help", side, side)
    monkeypatch.setattr(catalog, "MIDDLEWARE", (*catalog.MIDDLEWARE, new))
    monkeypatch.setitem(catalog.CHOICES, new.key, new)
    comparison = comparisons["default"]
    spec = replace(comparison.spec, middleware=("brand-new",))
    matches = cmp.resolve(spec, comparison.trees)
    assert matches[-1].key == "brand-new"
    assert matches[-1].applies and not matches[-1].resolved
    assert matches[-1].notes == {"flask": "a note", "express": "a note"}
    text = cmp.render_text(cmp.Comparison(spec, comparison.trees, tuple(matches)))
    assert "flask: not found" in text
    assert "not located: Brand new" in text


def test_locations_follow_the_code_when_a_template_changes(rendered, tmp_path):
    spec, roots = rendered["api"]
    before = cmp.comparison_of(spec, roots)
    moved = {name: Path(shutil.copytree(root, tmp_path / name)) for name, root in roots.items()}
    routes = moved["express"] / "routes" / "index.js"
    routes.write_text("// one\n// two\n\n" + routes.read_text(encoding="utf-8"), encoding="utf-8")
    after = cmp.comparison_of(spec, moved)

    def shifted(place: cmp.Location | None) -> cmp.Location | None:
        if place is None or place.path != "routes/index.js":
            return place
        return replace(place, line=place.line + 3)

    in_routes = [c.key for c in before.concepts if c.places["express"].path == "routes/index.js"]
    assert in_routes == ["route", "route-parameter"]
    assert {c.key: c.places for c in after.concepts} == {
        c.key: {name: shifted(place) for name, place in c.places.items()} for c in before.concepts
    }


BLOCKS = [
    pytest.param(
        "app.py",
        "@app.get('/')\n@login_required\ndef index():\n    return '''(\n'''\n\n\nafter = 1\n",
        r"^@app\.get\('/'\)",
        (1, 5),
        id="py-decorated-def-with-a-bracket-in-a-long-string",
    ),
    pytest.param(
        "app.py",
        "x = 0\nif ready:\n    go()\nelse:\n    wait(\n        ')',\n    )\nafter = 1\n",
        r"^if ready:",
        (2, 7),
        id="py-if-else-with-an-open-call",
    ),
    pytest.param(
        "app.py",
        "app.run(\n    host='(',\n    port=5000,\n    debug=False,\n)\n",
        r"^[ ]*host=[\s\S]*?port=",
        (2, 3),
        id="py-stops-at-the-last-line-when-it-opens-nothing",
    ),
    pytest.param(
        "app.js",
        "app.use((req, res) => {\n  // ) closes nothing\n  const s = `${req.path} {`;\n"
        "  /* ( */ const r = /\\(|[(]/;\n  res.send('}' + \"{\" + s.length / 2);\n});\n"
        "after();\n",
        r"^app\.use\(",
        (1, 6),
        id="js-skips-comments-strings-templates-and-regexes",
    ),
    pytest.param(
        "app.js",
        "const page = `\n  <p class=\"{\">${items.map((i) => `<b>${i}</b>`).join('')}\n`;\n"
        "after({\n});\n",
        r"^const page",
        (1, 3),
        id="js-template-literal-over-several-lines",
    ),
    pytest.param(
        "package.json",
        '{\n  "dependencies": {\n    "a}": "^1.0.0"\n  },\n  "b": 1\n}\n',
        r'^[ ]*"dependencies": \{',
        (2, 4),
        id="json-brace-in-a-key",
    ),
]


@pytest.mark.parametrize(("path", "text", "pattern", "lines"), BLOCKS)
def test_code_runs_to_the_end_of_the_block_its_last_line_opens(path, text, pattern, lines):
    tree = cmp.Tree("flask", "x", (cmp.SourceFile(path, text, len(text)),))
    place = cmp.locate(tree, [cmp.Anchor(path, pattern)], {})
    first, last = lines
    assert (place.line, place.end_line) == (first, last)
    assert place.code == tuple(text.splitlines()[first - 1 : last])


def test_the_page_templates_are_installed_as_package_data():
    tomllib = pytest.importorskip("tomllib")
    root = Path(__file__).resolve().parents[3]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    packages = {
        path.parent.relative_to(root).as_posix().replace("/", ".")
        for path in (root / "generator").rglob("__init__.py")
    }
    assert packages <= set(setuptools["packages"])
    package = Path(cmp.__file__).parent
    globs = setuptools["package-data"]["generator.compare"]
    data = [path.relative_to(package).as_posix() for path in (package / "templates").iterdir()]
    assert data and all(any(fnmatch.fnmatch(name, g) for g in globs) for name in data)


def test_figures_count_files_lines_and_code(comparisons):
    tree = comparisons["classic"].trees["flask"]
    figures = tree.figures()
    assert figures["files"] == len(tree.files) == 5  # with pyproject.toml, for ruff format
    app = tree.file("app.py")
    assert app.code_lines == len([line for line in app.lines if line.strip()])
    assert figures["code_lines"] == app.code_lines
    assert all(item.path != ANSWERS_FILE for item in tree.files)


@pytest.mark.parametrize("label", list(ANSWERS), ids=list(ANSWERS))
def test_text_fits_100_columns_and_colour_is_optional(label, comparisons):
    plain = cmp.render_text(comparisons[label], color=False)
    coloured = cmp.render_text(comparisons[label], color=True)
    assert "\x1b" not in plain
    assert "\x1b[" in coloured
    assert ANSI.sub("", coloured) == plain
    assert max(len(line) for line in plain.splitlines()) <= cmp.WIDTH


def test_text_shows_trees_side_by_side_and_the_code(comparisons):
    text = cmp.render_text(comparisons["api"])
    assert re.search(r"FLASK  hello/ +│ EXPRESS  hello/", text)
    assert re.search(r"├── app\.py +\d+ │ ├── ", text)
    assert re.search(r" │ ├── app\.js +\d+\n", text)
    assert "flask: hello/routes.py:" in text and "express: routes/index.js:" in text
    assert "── 3. A route parameter" in text


def test_html_is_self_contained_with_both_columns_for_every_concept(comparisons):
    comparison = comparisons["production"]
    page = cmp.render_html(comparison)
    assert "<style>" in page
    for remote in ("<script", "<link", "src=", "@import", "url("):
        assert remote not in page
    for concept in comparison.concepts:
        section = page.split(f'id="concept-{concept.key}"', 1)[1].split("</section>", 1)[0]
        for name in catalog.FRAMEWORKS:
            assert f'data-framework="{name}"' in section
            assert concept.places[name].label in section


def test_html_code_is_the_code_once_tags_are_removed(comparisons):
    comparison = comparisons["production"]
    page = cmp.render_html(comparison)
    blocks = re.findall(r"<pre><code>(.*?)</code></pre>", page, re.DOTALL)
    shown = [
        html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="ln">\d+</span>', "", block)))
        for block in blocks
    ]
    for concept in comparison.concepts:
        for place in concept.places.values():
            assert "\n".join(place.code) in shown


def test_json_has_the_same_data(comparisons):
    data = json.loads(cmp.render_json(comparisons["api"]))
    assert data["answers"]["middleware"] == [
        "logging",
        "cors",
        "json-body",
        "error-handlers",
    ]
    assert data["trees"]["flask"]["figures"]["files"] == len(data["trees"]["flask"]["files"])
    route = next(c for c in data["concepts"] if c["key"] == "route-parameter")
    assert route["places"]["flask"]["file"] == "hello/routes.py"
    assert "<int:id>" in route["places"]["flask"]["code"]
    assert route["places"]["express"]["end_line"] >= route["places"]["express"]["line"]


SAMPLES = [
    (
        "python",
        '@app.get(\'/\')\ndef f(x=None):  # hi\n    return """a\nb""" + \'c\' * 2\n',
    ),
    ("javascript", "const a = `x ${y}`; // c\n/* b */ if (a) { return 'q<'; }\n"),
    ("json", '{"a": [1, true, null]}\n'),
    ("conf", "# comment\nflask==3.1.3\n"),
    ("dockerfile", 'FROM node:20-slim\nCMD ["node"]\n'),
    ("text", "plain <text>\n"),
]


@pytest.mark.parametrize(("language", "text"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_highlighting_keeps_every_character(language, text):
    assert "".join(value for _, value in hl.tokens(text, language)) == text
    rows = hl.lines(text, language)
    assert ["".join(v for _, v in row) for row in rows] == text.split("\n")
    assert html.unescape(re.sub(r"<[^>]+>", "", hl.to_html(rows[0]))) == text.split("\n")[0]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "python",
            "def f(): return None  # done",
            {"kw": ["def", "return"], "lit": ["None"], "com": ["# done"]},
        ),
        ("python", "x = 'a' + \"b\"", {"str": ["'a'", '"b"']}),
        (
            "javascript",
            "const x = 'a'; // c",
            {"kw": ["const"], "str": ["'a'"], "com": ["// c"]},
        ),
        ("javascript", "if (x) return `t`;", {"kw": ["if", "return"], "str": ["`t`"]}),
        ("dockerfile", "FROM python # base", {"kw": ["FROM"], "com": ["# base"]}),
    ],
    ids=["py-keywords", "py-strings", "js-keywords", "js-template", "docker"],
)
def test_highlighting_classifies_tokens(language, text, expected):
    found: dict[str, list[str]] = {}
    for kind, value in hl.tokens(text, language):
        if kind:
            found.setdefault(kind, []).append(value)
    assert found == expected


def test_html_escapes_code():
    assert (
        hl.to_html([("str", "'<b>'"), ("", " & ")])
        == "<span class=\"str\">'&lt;b&gt;'</span> &amp; "
    )


@pytest.mark.parametrize(
    ("text", "middleware", "switches", "classic", "noted"),
    [
        ("default", (), (), False, False),
        ("classic", (), (), True, False),
        (
            "api",
            ("logging", "cors", "json-body", "error-handlers"),
            ("tests",),
            False,
            False,
        ),
        # docker implies the production server
        (
            "default+cors,logging+docker",
            ("logging", "cors"),
            ("production-server", "docker"),
            False,
            False,
        ),
        ("api-cors", ("logging", "json-body", "error-handlers"), ("tests",), False, False),
        (
            "api+rate-limit-cors-tests",
            ("logging", "rate-limit", "json-body", "error-handlers"),
            (),
            False,
            False,
        ),
        (
            "production-docker-rate-limit",
            (
                "request-id",
                "logging",
                "security-headers",
                "cors",
                "compression",
                "json-body",
                "error-handlers",
            ),
            ("env-file", "production-server", "tests"),
            False,
            False,
        ),
    ],
    ids=[
        "default",
        "classic",
        "preset",
        "keys-and-switches",
        "remove",
        "add-and-remove",
        "remove-from-production",
    ],
)
def test_spec_names(text, middleware, switches, classic, noted):
    spec, note = cmp.spec_from_name(text)
    assert (spec.middleware, spec.switches, spec.classic) == (
        middleware,
        switches,
        classic,
    )
    assert bool(note) is noted


def test_spec_names_read_answer_files(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("dualgen: 0.1.0\npreset: api\nname: shop\n", encoding="utf-8")
    spec, _ = cmp.spec_from_name(str(path))
    assert spec.name == "shop" and "cors" in spec.middleware
    spec, _ = cmp.spec_from_name(f"{path}+rate-limit")
    assert "rate-limit" in spec.middleware


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nope", "does not start with default, a preset"),
        ("api+nope", "'nope' is not one of"),
        ("+cors", "empty"),
    ],
    ids=["unknown-base", "unknown-key", "empty"],
)
def test_bad_spec_names_are_refused(text, message):
    with pytest.raises(SpecError, match=message):
        cmp.spec_from_name(text)


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_compare_prints_text_without_colour_when_not_a_tty(capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run(capsys, "compare", "shop", "-p", "api", "-m", "rate-limit")
    assert code == 0
    assert "\x1b" not in out
    assert "dualgen compare: shop" in out
    assert "── 11. Rate limiting" in out


@pytest.mark.parametrize(
    ("no_color", "coloured"), [("1", False), (None, True)], ids=["NO_COLOR", "tty"]
)
def test_cli_compare_colours_a_terminal_unless_no_color(no_color, coloured, capsys, monkeypatch):
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    code, out, _ = run(capsys, "compare", "-p", "production")
    assert code == 0
    assert ("\x1b[" in out) is coloured
    assert max(len(line) for line in ANSI.sub("", out).splitlines()) <= cmp.WIDTH


def test_cli_compare_json_and_html(capsys, tmp_path):
    page = tmp_path / "compare.html"
    code, out, _ = run(
        capsys,
        "compare",
        "--tests",
        "-r",
        "GET /a/{b}",
        "--format",
        "json",
        "--html",
        str(page),
    )
    assert code == 0
    data = json.loads(out)
    assert all(c["resolved"] for c in data["concepts"] if c["applies"])
    assert "route-parameter" in [c["key"] for c in data["concepts"] if c["applies"]]
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_cli_compare_refuses_bad_choices(capsys):
    code, _, err = run(capsys, "compare", "-m", "nope")
    assert code == 2 and "middleware 'nope' is unknown" in err


def test_compare_shares_the_choice_options_of_new():
    from generator.cli import cli

    def names(command: str) -> set[str]:
        return {param.name for param in cli.commands[command].params}

    # new's NAME is compare's NAMES: a name, or two project folders.
    shared = names("new") - {"framework", "output_dir", "no_input", "force", "dry_run", "name"}
    assert shared | {"names"} <= names("compare")


def test_cli_diff_shows_what_adding_cors_changes(capsys):
    code, out, _ = run(capsys, "diff", "flask", "--from", "default", "--to", "default+cors")
    assert code == 0
    assert "+flask-cors==" in out
    assert "diff modified: requirements.txt" in out
    assert re.search(r"\d+ files changed, \d+ insertions\(\+\), \d+ deletions?\(-\)", out)


def test_diff_summary_counts_in_the_singular_too():
    one = cmp.FileDiff("a.txt", "modified", ("--- a/a.txt", "+++ b/a.txt", "@@ -1 +1,2 @@", "+x"))
    text = cmp.render_diff_text(cmp.TreeDiff("flask", "old", "new", (one,)))
    assert text.splitlines()[-1] == "1 file changed, 1 insertion(+), 0 deletions(-)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("classic+cors", "classic is the comparison article's code exactly and takes no choices"),
        (
            "api-static",
            "spec 'api-static': middleware 'static' is not chosen, so it cannot be removed; "
            "chosen: logging, cors, json-body, error-handlers",
        ),
        ("api-nope", "'nope' is not one of"),
        ("nothing+cors", "does not start with default, a preset"),
    ],
    ids=["classic-plus", "remove-unchosen", "unknown-key", "unknown-base"],
)
def test_cli_diff_refuses_a_spec_it_cannot_read_as_written(text, message, capsys, tmp_path):
    page = tmp_path / "diff.html"
    code, out, err = run(
        capsys, "diff", "express", "--from", "classic", "--to", text, "--html", str(page)
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err, err
    assert not page.exists()


def test_cli_diff_of_a_removed_choice(capsys, tmp_path):
    page = tmp_path / "diff.html"
    code, out, _ = run(
        capsys, "diff", "express", "--from", "api", "--to", "api-cors", "--html", str(page)
    )
    assert code == 0
    assert "express: api -> api-cors" in out
    assert "-const cors = require('cors');" in out
    assert "+const cors" not in out
    text = page.read_text(encoding="utf-8")
    assert 'class="del"' in text and "<script" not in text


def test_cli_diff_of_one_spec_with_itself_has_no_changes(capsys):
    code, out, _ = run(capsys, "diff", "express", "--from", "api", "--to", "api", "--exit-code")
    assert code == 0 and out.strip().endswith("no changes")


@pytest.fixture
def project(tmp_path, capsys) -> Path:
    main_args = ["new", "flask", "shop", "-p", "api", "--no-input", "-o", str(tmp_path)]
    with pytest.raises(SystemExit):
        main(main_args)
    capsys.readouterr()
    return tmp_path / "shop"


def test_diff_of_an_untouched_project_says_no_changes(project, capsys):
    code, out, _ = run(capsys, "diff", str(project), "--exit-code")
    assert (code, out.splitlines()[-1]) == (0, "no changes")


def test_diff_of_a_project_shows_hand_edits_and_ignores_installs(project, capsys):
    app = project / "app.py"
    app.write_text(app.read_text(encoding="utf-8").replace("5000", "8080"), encoding="utf-8")
    (project / "tests" / "conftest.py").unlink()
    (project / "NOTES.md").write_text("mine\n", encoding="utf-8")
    for ignored in ("node_modules", ".venv", "__pycache__", "shop/__pycache__"):
        (project / ignored).mkdir(parents=True, exist_ok=True)
        (project / ignored / "junk.txt").write_text("x\n", encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(project), "--exit-code")
    assert code == 1
    assert "-        port=int(os.environ.get('PORT', '5000'))," in out
    assert "+        port=int(os.environ.get('PORT', '8080'))," in out
    assert "diff removed: tests/conftest.py" in out and "--- a/tests/conftest.py" in out
    assert "diff added: NOTES.md" in out and "+mine" in out
    assert "junk" not in out
    assert "3 files changed" in out


def test_diff_of_a_project_leaves_out_what_git_ignores_and_installs_create(project, capsys):
    (project / ".gitignore").write_text(
        (project / ".gitignore").read_text(encoding="utf-8") + "logs/\n*.tmp\n!keep.tmp\n",
        encoding="utf-8",
    )
    for path in ("logs/today.log", "build/x.tmp", "keep.tmp", "package-lock.json", "venv/x.py"):
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text("junk\n", encoding="utf-8")
    code, out, _ = run(capsys, "diff", str(project))
    assert code == 0
    changed = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("diff ")]
    assert changed == [".gitignore", "keep.tmp"]


@pytest.mark.parametrize("ignored", [True, False], ids=["gitignored", "not-gitignored"])
def test_diff_of_a_project_never_prints_env_files(ignored, project, capsys, tmp_path):
    if ignored:
        with (project / ".gitignore").open("a", encoding="utf-8") as file:
            file.write(".env\n")
    (project / ".env").write_text("SECRET_KEY=hunter2\n", encoding="utf-8")
    (project / ".env.local").write_text("TOKEN=swordfish\n", encoding="utf-8")
    page = tmp_path / "diff.html"
    code, out, _ = run(capsys, "diff", str(project), "--html", str(page))
    assert code == 0
    printed = out + page.read_text(encoding="utf-8")
    assert "hunter2" not in printed and "swordfish" not in printed
    assert "diff added: .env.local" in out
    assert ("diff added: .env\n" in out) is not ignored
    assert "(contents not shown: .env.local may hold secrets)" in out


#: Files that hold secrets as a .env does (issue 27: .flaskenv, .envrc and secrets.json were
#: printed), each holding a value ending "-secret" that must never show; an example is code.
SECRETS = {
    ".flaskenv": "FLASK_SECRET_KEY=flaskenv-secret",
    ".envrc": "export API_TOKEN=envrc-secret",
    "secrets.json": '{"token": "json-secret"}',
    "config/secrets.yaml": "token: yaml-secret",
    ".npmrc": "//registry.npmjs.org/:_authToken=npmrc-secret",
    "credentials.json": '{"key": "credentials-secret"}',
    "certs/server.key": "-----BEGIN PRIVATE KEY----- key-secret",
    "certs/server.PEM": "-----BEGIN CERTIFICATE----- pem-secret",
}


def test_diff_of_a_project_never_prints_files_that_hold_secrets(project, capsys, tmp_path):
    for path, text in SECRETS.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text + "\n", encoding="utf-8")
    (project / ".env.example").write_text("SECRET_KEY=change-me\n", encoding="utf-8")
    page = tmp_path / "diff.html"
    code, out, _ = run(capsys, "diff", str(project), "--html", str(page))
    assert code == 0
    printed = out + page.read_text(encoding="utf-8")
    assert "-secret" not in printed
    for path in SECRETS:
        name = path.rsplit("/", 1)[-1]
        assert f"diff added: {path}\n(contents not shown: {name} may hold secrets)" in out
    assert "+SECRET_KEY=change-me" in out


def test_diff_project_with_binary_files(project):
    (project / "logo.png").write_bytes(b"\x89PNG\xff\x00")
    result = cmp.diff_project(project)
    assert [f.lines for f in result.files] == [("Binary files /dev/null and b/logo.png differ",)]


def test_pages_escape_what_the_user_named(project):
    (project / "<b>notes&.md").write_text("<i>mine</i>\n", encoding="utf-8")
    page = cmp.render_diff_html(cmp.diff_project(project))
    assert "&lt;b&gt;notes&amp;.md" in page and "&lt;i&gt;mine&lt;/i&gt;" in page
    assert "<b>" not in page and "<i>" not in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "flask"], "give --from and --to"),
        (["diff", "django", "--from", "api"], "is not flask or express"),
        (["diff", "."], "has no .dualgen.yaml"),
        (["diff", "flask", "--from", "default+nope"], "'nope' is not one of"),
    ],
    ids=["framework-without-specs", "bad-framework", "not-a-project", "bad-key"],
)
def test_diff_refuses_bad_input_with_exit_2(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["compare", "diff"], ids=["compare", "diff"])
def test_help_of_the_new_commands_does_not_import_cookiecutter_or_jinja(command):
    code = (
        "import sys; from generator.cli import main\n"
        f"try: main([{command!r}, '--help'])\nexcept SystemExit: pass\n"
        "assert 'cookiecutter' not in sys.modules, 'cookiecutter'\n"
        "assert 'jinja2' not in sys.modules, 'jinja2'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Usage: dualgen" in result.stdout


def test_pages_are_written_when_the_template_cache_cannot_be(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    page = tmp_path / "diff.html"
    result = subprocess.run(
        [sys.executable, "-m", "generator", "diff", "flask", "--to", "default+cors"]
        + ["--html", str(page)],
        capture_output=True,
        text=True,
        env={**os.environ, "DUALGEN_CACHE_DIR": str(blocked / "cache")},
    )
    assert result.returncode == 0, result.stderr
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_a_long_snippet_counts_the_lines_it_leaves_out_in_words(tmp_path):
    spec = specs.build({})
    roots = {name: render_tree(spec, name, tmp_path / name) for name in catalog.FRAMEWORKS}
    pins = "".join(f"package{number}==1.0\n" for number in range(25))
    (roots["flask"] / "requirements.txt").write_text(pins, encoding="utf-8")
    text = cmp.render_text(cmp.comparison_of(spec, roots), width=100)
    assert "… 1 more line" in text
    assert "more lines" not in text
    (roots["flask"] / "requirements.txt").write_text(pins + "extra==1.0\n", encoding="utf-8")
    text = cmp.render_text(cmp.comparison_of(spec, roots), width=100)
    assert "… 2 more lines" in text


def test_each_declared_difference_stands_beside_its_concept(comparisons):
    text = cmp.render_text(comparisons["api"], width=100)
    sections = {
        part.split(" ─", 1)[0].split(". ", 1)[1]: part
        for part in text.split("── ")[1:]
        if part[:1].isdigit()
    }
    assert "differs on its own: Vary: Origin on CORS answers" in sections["CORS"]
    assert "differs on its own: a method the path has no route for" in sections["A route"]
    assert "differs on its own: the Server header of" in sections["Starting the server"]
    assert "differs on its own: an int parameter" in sections["A route parameter"]
    assert "Declared differences" not in text  # every one has its concept here
    assert "differs on its own: Vary: Origin" not in sections["A route"]


def test_cli_diff_keeps_the_settings_of_a_config_switch(capsys, tmp_path):
    answers = tmp_path / "w.yaml"
    answers.write_text(
        "name: shop\nproduction-server: true\n"
        "settings:\n  production-server:\n    worker-class: gthread\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "diff", "flask", "--from", str(answers), "--to", f"{answers}+cors")
    assert code == 0
    changed = [line for line in out.splitlines() if line.startswith(("+", "-"))]
    assert [line for line in changed if "gthread" in line or "worker" in line] == []
    assert "+flask-cors==" in out


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_compiled_pages_are_kept_only_where_no_one_else_can_write(tmp_path, monkeypatch):
    import jinja2

    from generator.compare import html as pages

    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(tmp_path / "cache"))
    kept = pages._bytecode_cache()
    folder = tmp_path / "cache" / "jinja"
    assert isinstance(kept, jinja2.FileSystemBytecodeCache)
    assert folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)  # this user's own folder, opened up: closed again, and used
    assert pages._bytecode_cache() is not None and folder.stat().st_mode & 0o777 == 0o700
    (tmp_path / "cache").chmod(0o777)  # anyone could swap the folder for theirs
    assert pages._bytecode_cache() is None


@pytest.mark.skipif(getattr(os, "getuid", lambda: 1)() != 0, reason="chown needs root")
def test_compiled_pages_in_another_users_folder_are_never_read(tmp_path, monkeypatch):
    from generator.compare import html as pages

    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert pages._bytecode_cache() is not None
    os.chown(tmp_path / "cache" / "jinja", 65534, 65534)  # nobody's
    assert pages._bytecode_cache() is None
