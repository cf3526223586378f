"""The tests a project gets with --tests can fail: each chosen middleware's tests pass as
generated, and the suite fails once that middleware's setup is deleted from the app; each
resource's tests pass, in memory and with a database, and fail once a handler answers a wrong
status.

One project per framework holds every middleware (the production preset plus health, proxy,
static, events, a database, a resource with hostile field names and a route large enough to
compress); each mutated copy lacks one middleware's setup. Another holds two resources kept in
memory.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import catalog, runner, spec
from generator.project import detect_framework
from generator.render import render
from tests.helpers import run_project_tests

ANSWERS: dict[str, object] = {
    "preset": "production",
    "name": "proof",
    "middleware": ["health", "proxy", "static", "events", "database"],
    "routes": [
        {"method": "GET", "path": "/big", "text": "lorem ipsum " * 100},
        {
            "resource": "/klass",
            "fields": {"class": "str", "__proto__": "int?", "constructor": "bool"},
        },
    ],
    "tests": True,
}

#: Two resources kept in memory; field names that are keywords or special in either language.
MEMORY_ANSWERS: dict[str, object] = {
    "name": "stock",
    "routes": [
        {"method": "GET", "path": "/"},
        {"resource": "/items", "fields": {"name": "str", "price": "float", "in_stock": "bool?"}},
        {
            "resource": "/the-proto",
            "fields": {"__proto__": "str", "constructor": "int", "def": "float?"},
        },
    ],
    "tests": True,
}

#: Logging shows only in the server's output: the generated tests do not check it. A database
#: shows only through the resources' answers (their tests are below).
UNTESTED = {"logging", "database"}
TESTED = [choice.key for choice in catalog.MIDDLEWARE if choice.key not in UNTESTED]

#: What sets each middleware up in the Express app.js: every top-level `app.…;` statement that
#: contains one of these is deleted.
EXPRESS_SETUP = {
    "health": ["'/healthz'"],
    "proxy": ["'trust proxy'"],
    "request-id": ["X-Request-ID"],
    "security-headers": ["helmet("],
    "cors": ["cors("],
    "compression": ["compression("],
    "rate-limit": ["rateLimit("],
    "json-body": ["express.json("],
    "events": ["events.router"],
    "static": ["express.static("],
    "error-handlers": ["res.status(404)", "(err, req, res, next)"],
}

#: What the name of a test of each middleware says, in both frameworks.
CONCERN = {
    "health": "health",
    "proxy": "forwarded",
    "request-id": "request.id",
    "security-headers": "security",
    "cors": "allowed.origin|preflight",
    "compression": "compress",
    "rate-limit": "rate.limit",
    "json-body": "json.body",
    "events": "event",
    "static": "static",
    "error-handlers": "404|405",
}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("generated-tests")
    built = spec.build(ANSWERS)
    assert set(built.middleware) == {choice.key for choice in catalog.MIDDLEWARE}
    found = {}
    for project in render(built, ("flask", "express"), root / "rendered"):
        framework = detect_framework(project)
        found[framework] = (project, runner.install(project, dev=True))
    return found


def run_suite(project: Path, installed: runner.Installed) -> subprocess.CompletedProcess:
    """The project's own tests, as its README says to run them."""
    return run_project_tests(project, installed, timeout=300)


#: The module of each concern in a Flask package, where it differs from the key.
FLASK_MODULES = {"logging": "access_log", "error-handlers": "errors"}


def without_flask_setup(project: Path, key: str) -> None:
    """Delete create_app's call of the middleware module's init_app. Static files have no
    setup in Flask (it serves static/ on its own): the folder goes instead."""
    package = project / "proof"
    if key == "static":
        shutil.rmtree(package / "static")
        return
    init = package / "__init__.py"
    text = init.read_text(encoding="utf-8")
    module = FLASK_MODULES.get(key, key.replace("-", "_"))
    call = f"    {module}.init_app(app)\n"
    assert text.count(call) == 1, f"create_app calls {call.strip()} once"
    init.write_text(text.replace(call, ""), encoding="utf-8")


def without_express_setup(project: Path, key: str) -> None:
    """Delete from app.js every top-level `app.…` statement that sets the middleware up."""
    app_js = project / "app.js"
    lines = app_js.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, statement, deleted = [], [], 0
    for line in lines:
        if not statement and not line.startswith("app."):
            kept.append(line)
            continue
        statement.append(line)
        if re.match(r"[^\s].*;$", line.rstrip("\n")):  # the statement ends at column 0
            text = "".join(statement)
            if any(marker in text for marker in EXPRESS_SETUP[key]):
                deleted += 1
            else:
                kept.extend(statement)
            statement = []
    assert deleted == len(EXPRESS_SETUP[key]), f"app.js sets {key} up in {deleted} statements"
    app_js.write_text("".join(kept), encoding="utf-8")


MUTATE = {"flask": without_flask_setup, "express": without_express_setup}


def failed_tests(result: subprocess.CompletedProcess) -> list[str]:
    """The names of the tests that failed: pytest's `FAILED path::name` summary lines, or
    node's `not ok N - name` lines."""
    found = re.findall(r"^FAILED \S+::(\w+)|^not ok \d+ - (.+)$", result.stdout, re.M)
    return [pytest_name or node_name for pytest_name, node_name in found]


def failures(result: subprocess.CompletedProcess) -> str:
    return result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.parametrize("framework", ["flask", "express"], ids=["flask", "express"])
def test_the_generated_suite_passes(framework, projects):
    project, installed = projects[framework]
    result = run_suite(project, installed)
    assert result.returncode == 0, failures(result)


@pytest.mark.parametrize("key", TESTED, ids=TESTED)
@pytest.mark.parametrize("framework", ["flask", "express"], ids=["flask", "express"])
def test_the_generated_suite_fails_without_the_middleware(framework, key, projects, tmp_path):
    project, installed = projects[framework]
    mutant = tmp_path / project.name
    shutil.copytree(project, mutant)
    MUTATE[framework](mutant, key)
    result = run_suite(mutant, installed)
    # Tests failed, not the run, and among them one named for the middleware.
    assert result.returncode == 1, failures(result)
    named = [name for name in failed_tests(result) if re.search(CONCERN[key], name, re.I)]
    assert named, failures(result)


@pytest.fixture(scope="module")
def memory_projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("generated-resource-tests")
    built = spec.build(MEMORY_ANSWERS)
    assert "database" not in built.middleware
    found = {}
    for project in render(built, ("flask", "express"), root / "rendered"):
        found[detect_framework(project)] = (project, runner.install(project, dev=True))
    return found


STORAGES = {"memory": "memory_projects", "database": "projects"}


def storage_projects(request, storage: str) -> dict[str, tuple[Path, runner.Installed]]:
    return request.getfixturevalue(STORAGES[storage])


#: The resources' tests each project's suite runs, one per behaviour: 14 for a resource with a
#: required field and a text field (both projects' resources have both).
RESOURCE_TESTS = {"memory": 2 * 14, "database": 14}


def passed_resource_tests(framework: str, result: subprocess.CompletedProcess) -> list[str]:
    """The resource tests that passed: pytest's `PASSED path::TestX::name` lines (-rA) or node's
    indented `ok N - name` lines inside a describe()."""
    if framework == "flask":
        return re.findall(r"^PASSED \S+::Test\w+::(\w+)", result.stdout, re.M)
    return re.findall(r"^ {4}ok \d+ - (.+)$", result.stdout, re.M)


@pytest.mark.parametrize("storage", ["memory", "database"])
@pytest.mark.parametrize("framework", ["flask", "express"])
def test_the_resource_tests_pass(framework, storage, request):
    project, installed = storage_projects(request, storage)[framework]
    result = subprocess.run(
        [*installed.test_command(), *(["-rA"] if framework == "flask" else [])],
        cwd=project,
        env=installed.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert result.returncode == 0, failures(result)
    assert len(passed_resource_tests(framework, result)) == RESOURCE_TESTS[storage], failures(
        result
    )


def test_the_resource_tests_hold_hostile_names_as_data(projects, memory_projects):
    """Field names that are keywords or special in either language reach the tests as literals."""
    flask = (memory_projects["flask"][0] / "tests" / "test_app.py").read_text(encoding="utf-8")
    express = (memory_projects["express"][0] / "test" / "app.test.js").read_text(encoding="utf-8")
    assert (
        "    example: ClassVar[dict] = {'__proto__': 'example', 'constructor': 42, 'def': 2.5}"
        in flask
    )
    assert "    path = '/the-proto'" in flask
    assert "  const EXAMPLE = { ['__proto__']: 'example', constructor: 42, def: 2.5 };" in express
    database = (projects["flask"][0] / "tests" / "test_app.py").read_text(encoding="utf-8")
    assert "        field = 'class'" in database


#: A handler broken in each framework's resource module: the status it answers replaced.
BROKEN = {
    ("flask", "create"): (
        "return item, 201, {'Location': location}",
        "return item, 200, {'Location': location}",
    ),
    ("flask", "delete"): ("return '', 204", "return '', 200"),
    ("express", "create"): ("res.status(201)", "res.status(200)"),
    ("express", "delete"): ("res.status(204).end()", "res.status(200).end()"),
}
#: What the names of the tests that must then fail say.
BROKEN_TEST = {"create": "201", "delete": "204"}


def resource_module(framework: str, project: Path) -> Path:
    """The generated module of the project's resource at /klass (database) or /items (memory)."""
    name = "klass" if (project / "migrations").exists() else "items"
    if framework == "flask":
        return project / project.name.removesuffix("-flask") / f"{name}.py"
    return project / "routes" / f"{name}.js"


@pytest.mark.parametrize("handler", ["create", "delete"])
@pytest.mark.parametrize("storage", ["memory", "database"])
@pytest.mark.parametrize("framework", ["flask", "express"])
def test_the_resource_tests_fail_when_a_handler_answers_a_wrong_status(
    framework, storage, handler, request, tmp_path
):
    project, installed = storage_projects(request, storage)[framework]
    mutant = tmp_path / project.name
    shutil.copytree(project, mutant)
    module = resource_module(framework, mutant)
    before, after = BROKEN[framework, handler]
    text = module.read_text(encoding="utf-8")
    assert text.count(before) == 1, module
    module.write_text(text.replace(before, after), encoding="utf-8")
    result = run_suite(mutant, installed)
    assert result.returncode == 1, failures(result)
    failed = re.findall(r"^FAILED \S+::(\w+)|^ {4}not ok \d+ - (.+)$", result.stdout, re.M)
    names = [flask_name or node_name for flask_name, node_name in failed]
    assert any(BROKEN_TEST[handler] in name for name in names), failures(result)
