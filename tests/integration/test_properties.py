"""Property-based tests: no input breaks the generator. The CLI either refuses with exit 2 and one
line, or renders a project that parses; every user string lands as data, never as code."""

from __future__ import annotations

import ast
import json
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import spec
from generator.errors import SpecError
from generator.literals import jsstr, jsval, pystr, pyval
from generator.render import render
from tests.helpers import run_main

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@FAST
@given(name=st.text(max_size=40))
def test_any_name_is_refused_in_one_line_or_renders(name):
    with tempfile.TemporaryDirectory() as tmp:
        code, err = run_main("new", "flask", "--no-input", "-o", tmp, "--", name)
        if code == 2:
            assert err.count("\n") == 1 and err.startswith("dualgen: error: ")
            assert list(Path(tmp).iterdir()) == []
        else:
            assert code == 0, err
            (project,) = Path(tmp).iterdir()
            assert (project / "README.md").read_text().startswith(f"# {name.strip()}\n")
            ast.parse((project / "app.py").read_text())


@FAST
@given(
    path=st.text(alphabet="/{}:abint_-.~ 0*", max_size=24),
    method=st.sampled_from(["GET", "post", "TRACE"]),
)
def test_any_route_is_refused_or_translates_to_both_frameworks(path, method):
    try:
        built = spec.build({"routes": [{"method": method, "path": path}]})
    except SpecError as error:
        assert "\n" not in str(error)
        return
    route = built.routes[-1]
    assert route.flask_rule.count("<") == len(route.params)
    assert route.express_path.count(":") == len(route.params)


@FAST
@given(texts=st.lists(st.text(), min_size=1, max_size=12))
def test_string_literals_read_back_exactly_in_python_and_javascript(texts):
    assert [ast.literal_eval(pystr(text)) for text in texts] == texts
    source = "console.log(JSON.stringify([" + ",".join(jsstr(text) for text in texts) + "]))"
    out = subprocess.run(["node", "-e", source], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == texts


@FAST
@given(value=json_values)
def test_json_values_read_back_exactly_in_python_and_javascript(value):
    assert ast.literal_eval(pyval(value, 4, 7)) == value
    out = subprocess.run(
        ["node", "-e", f"console.log(JSON.stringify({jsval(value, 2, 9)}))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == value


@settings(max_examples=25, deadline=None)
@given(origin=st.text(max_size=30), port=st.one_of(st.integers(-5, 70000), st.text(max_size=6)))
def test_origins_and_ports_are_refused_or_kept(origin, port):
    try:
        built = spec.build(
            {"middleware": ["cors"], "settings": {"cors": {"origins": [origin]}}, "port": port}
        )
    except SpecError as error:
        assert "\n" not in str(error)
        return
    assert built.setting("cors", "origins") == [origin.strip()]
    assert 1 <= built.port <= 65535


@settings(max_examples=15, deadline=None)
@given(texts=st.lists(st.text(max_size=300), min_size=1, max_size=4), value=json_values)
def test_rendered_projects_parse_with_any_response(texts, value):
    routes = [{"method": "GET", "path": f"/t{n}", "text": text} for n, text in enumerate(texts)]
    routes.append({"method": "POST", "path": "/j", "json": value, "status": 201})
    with tempfile.TemporaryDirectory() as tmp:
        flask, express = render(
            spec.build({"routes": routes, "tests": True}), ("flask", "express"), Path(tmp)
        )
        for path in flask.rglob("*.py"):
            ast.parse(path.read_text(encoding="utf-8"))
        files = [str(p) for p in express.rglob("*.js")]
        for name in files:
            checked = subprocess.run(["node", "--check", name], capture_output=True, text=True)
            assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(
    "text",
    ["{{ 7*7 }}", "{% raw %}", "{#", "${x}`", "</script>"],
    ids=["jinja", "raw", "comment", "template-literal", "script"],
)
def test_user_text_is_never_rendered_as_a_template(text, tmp_path):
    flask, express = render(
        spec.build({"routes": [{"method": "GET", "path": "/x", "text": text}]}),
        ("flask", "express"),
        tmp_path,
    )
    assert pystr(text) in (flask / "hello" / "routes.py").read_text()
    assert jsstr(text) in (express / "routes" / "index.js").read_text()


@settings(max_examples=3, deadline=None)
@given(texts=st.lists(st.text(max_size=200), min_size=1, max_size=6), value=json_values)
def test_both_servers_serve_any_text_byte_for_byte(texts, value):
    from generator import contract as exchanges
    from generator import runner

    routes = [{"method": "GET", "path": f"/t{n}", "text": text} for n, text in enumerate(texts)]
    routes.append({"method": "PUT", "path": "/j/{id:int}", "json": value})
    built = spec.build({"routes": routes, "middleware": ["error-handlers"]})
    contract = exchanges.exchanges(built)
    with tempfile.TemporaryDirectory() as tmp:
        for project in render(built, ("flask", "express"), Path(tmp)):
            with runner.serve(project) as server:
                failures = [(e.name, p) for e, p in exchanges.run(contract, server.url) if p]
                assert not failures, f"{project.name}: {failures}\n{server.output()}"
