"""The literal writer against the real formatters: whatever value a user gives, the literal dualgen
writes is already formatted (`ruff format` with the generated project's settings, prettier with
singleQuote) and reads back as that value (Python: ast.literal_eval; JavaScript: JSON.stringify).

Each example is a batch: one file with many statements, so one formatter run checks them all.
"""

from __future__ import annotations

import ast
import difflib
import json
import keyword
import subprocess
from pathlib import Path
from subprocess import DEVNULL

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruff.__main__ import find_ruff_bin

from generator import literals
from generator.catalog import TEMPLATES_DIR
from generator.spec.routes import NO_BODY_STATUSES, make_route, route_contexts

PROJECT_CONFIG = TEMPLATES_DIR / "flask" / "{{cookiecutter.project_slug}}" / "pyproject.toml"
# A failure shows the formatter's diff of the whole batch, which points at the statement; shrinking
# would rerun the formatter hundreds of times for little more.
BATCH = settings(
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters that need care: quotes, backslashes, escapes, line and paragraph separators,
# invisible format characters, combining marks, wide characters, astral characters.
TRICKY = "'\"\\\n\r\t\x00\x1b\x7f\x85\xa0\u2028\u2029\u200b\u200d\ufeff\u0301\u0e33é中🙂`${}"
# prettier unquotes U+2E2F as a key although no JavaScript parser accepts it bare (a prettier bug).
# No lone surrogates: they are not text, and spec refuses them before any writer sees them.
characters = st.characters(
    exclude_characters="\u2e2f", exclude_categories=("Cs",)
) | st.sampled_from(TRICKY)
short_texts = st.text(characters, max_size=12)
texts = short_texts | st.text(characters, min_size=20, max_size=100)
keys = (
    short_texts
    | st.from_regex(r"[a-z_]{5,20}", fullmatch=True)
    | st.sampled_from("id __proto__ $x _ 0 1 01 1.5 1.50 9007199254740993 a-b 中".split())
)
numbers = (
    st.integers(-(2**53) + 1, 2**53 - 1)
    | st.sampled_from([1e-7, 1.5e-300, 0.1, 123456.789, -2.5])
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer())
)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | texts,
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(keys, children, max_size=5)
        | st.lists(numbers, min_size=2, max_size=30)
    ),
    max_leaves=20,
)
# What a statement holds: any JSON value, with each kind of scalar as likely as a collection.
values = st.one_of(texts, numbers, st.none(), st.booleans(), json_values)
names = st.from_regex(r"[a-z][a-z0-9_]{0,63}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name) and name not in ("await", "yield", "let", "static")
)


@st.composite
def route_contexts_(draw) -> dict:
    """One route as its template sees it, built by the real parser: any kind, status and body."""
    segment = st.from_regex(r"[A-Za-z0-9._~-]{1,30}", fullmatch=True)
    parts = []
    for name in draw(st.lists(names, unique=True, max_size=3)):
        kind = draw(st.sampled_from(["int", "str"]))
        parts += [draw(segment), f"{{{name}:{kind}}}"]
    data = {
        "method": draw(st.sampled_from(["GET", "POST", "DELETE"])),
        "path": "/" + "/".join(parts),
    }
    status = draw(st.sampled_from([200, 201, 202, 204, 205, 304, 418]))
    if status != 200:
        data["status"] = status
    kind = draw(st.sampled_from(["default", "text", "json", "error"]))
    if kind == "text" and status not in NO_BODY_STATUSES:
        data["text"] = draw(texts)
    elif kind == "json" and status not in NO_BODY_STATUSES:
        data["json"] = draw(values)
    elif kind == "error":
        data["error"] = draw(texts)
    return route_contexts([make_route(data)])[0]


def near_the_limit(draw, literal_width: int, room: int) -> int:
    """A name length that puts the literal just under, at or just over the line limit."""
    return max(1, min(72, room - literal_width + draw(st.integers(-3, 3))))


@st.composite
def python_cases(draw) -> tuple[object, str | None, str]:
    """One statement: (value, its literal or None for a view body, the statement's code)."""
    kind = draw(st.sampled_from(["assign", "nested", "keyword", "view"]))
    if kind == "view":
        return None, None, literals.view_body(draw(route_contexts_()))
    value = draw(values)
    width = literals.PYTHON.width(literals.PYTHON.inline(value))
    if kind == "keyword":  # as CORS(app, origins=[...]) is written
        name = "k" * near_the_limit(draw, width, 88 - 8 - 2)
        literal = literals.pyval(value, 8, len(name) + 1, 1)
        return value, literal, f"    f(\n        app,\n        {name}={literal},\n    )"
    indent = 4 if kind == "assign" else 8
    name = "v" * near_the_limit(draw, width, 88 - indent - 3)
    literal = literals.pyval(value, indent, len(name) + 3)
    line = f"{' ' * indent}{name} = {literal}"
    return value, literal, line if indent == 4 else f"    if x:\n{line}"


@st.composite
def javascript_cases(draw) -> tuple[object, str | None, str]:
    """One statement: (value, its literal or None for a handler body, the statement's code)."""
    kind = draw(st.sampled_from(["const", "nested", "property", "handler"]))
    if kind == "handler":
        body = literals.handler_body(draw(route_contexts_()))
        return None, None, f"app.get('/', (req, res, next) => {{\n{body}\n}});"
    if kind == "property":  # as cors({ origin: [...] }) is written: a collection beside a key
        value = draw(st.lists(texts, min_size=1, max_size=6) | json_values.filter(_non_empty))
        width = literals.JAVASCRIPT.width(literals.JAVASCRIPT.inline(value))
        name = "k" * near_the_limit(draw, width, 80 - 4 - 3)
        literal = literals.jsval(value, 4, len(name) + 2, 1)
        return value, literal, f"function f() {{\n  f({{\n    {name}: {literal},\n  }});\n}}"
    value = draw(values)
    width = literals.JAVASCRIPT.width(literals.JAVASCRIPT.inline(value))
    indent = 2 if kind == "const" else 4
    name = "v" * near_the_limit(draw, width, 80 - indent - len("const  = ;"))
    statement = literals.jsconst(value, name, indent)
    literal = statement.split(" =", 1)[1].strip().removesuffix(";")
    if indent == 4:
        statement = f"  if (x) {{\n{statement}\n  }}"
    return value, literal, f"function f() {{\n{statement}\n}}"


def _non_empty(value: object) -> bool:
    return isinstance(value, list | dict) and len(value) > 0


def same(a: object, b: object) -> bool:
    """Equal JSON values, telling true from 1 and 1 from 1.0; JavaScript puts integer-like keys
    first, so key order is not compared."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same, a, b))
    return a == b


@pytest.fixture(scope="module")
def ruff_project(tmp_path_factory) -> Path:
    """A folder configured like a generated Flask project (quote-style single): the ruff part
    of the template's pyproject.toml, which follows its Jinja-rendered pytest part."""
    folder = tmp_path_factory.mktemp("ruff")
    ruff = "[tool.ruff" + PROJECT_CONFIG.read_text(encoding="utf-8").split("[tool.ruff", 1)[1]
    (folder / "pyproject.toml").write_text(ruff, encoding="utf-8")
    return folder


@settings(BATCH, max_examples=30)
@given(cases=st.lists(python_cases(), min_size=1, max_size=50))
def test_python_literals_are_ruff_formatted_and_read_back(cases, ruff_project):
    source = "\n\n\n".join(f"def case_{n}():\n{code}" for n, (_, _, code) in enumerate(cases))
    (ruff_project / "cases.py").write_text(source + "\n", encoding="utf-8")
    ruff = [find_ruff_bin(), "format", "--no-cache", "cases.py"]
    checked = subprocess.run([*ruff, "--check"], cwd=ruff_project, capture_output=True, text=True)
    if checked.returncode != 0:
        diff = subprocess.run([*ruff, "--diff"], cwd=ruff_project, capture_output=True, text=True)
        pytest.fail(f"ruff format would change:\n{diff.stdout}{diff.stderr}")
    for value, literal, code in cases:
        if literal is not None:  # json.dumps tells True from 1 and 1.0, and keeps key order
            assert json.dumps(ast.literal_eval(literal)) == json.dumps(value), code


@settings(BATCH, max_examples=12)
@given(cases=st.lists(javascript_cases(), min_size=1, max_size=60))
def test_javascript_literals_are_prettier_formatted_and_read_back(cases, prettier, tmp_path):
    source = "'use strict';\n\n" + "\n\n".join(code for _, _, code in cases) + "\n"
    path = tmp_path / "cases.js"
    path.write_text(source, encoding="utf-8")
    valued = [(value, literal) for value, literal, _ in cases if literal is not None]
    script = "console.log(JSON.stringify([\n" + ",\n".join(lit for _, lit in valued) + "\n]));"
    prettier_ = [str(prettier), "--single-quote", str(path)]
    checking = subprocess.Popen([*prettier_, "--check"], stdout=DEVNULL, stderr=DEVNULL)
    reading = subprocess.run(["node", "-e", script], capture_output=True, text=True)
    if checking.wait() != 0:
        formatted = subprocess.run(prettier_, capture_output=True, text=True).stdout
        diff = difflib.unified_diff(source.splitlines(True), formatted.splitlines(True))
        pytest.fail("prettier would change:\n" + "".join(diff))
    assert reading.returncode == 0, reading.stderr
    for (value, literal), read in zip(valued, json.loads(reading.stdout), strict=True):
        assert same(read, value), literal
