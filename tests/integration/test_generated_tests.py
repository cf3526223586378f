"""The tests a project gets with --tests can fail: each chosen middleware's tests pass as
generated, and the suite fails once that middleware's setup is deleted from the app.

One project per framework holds every middleware (the production preset plus health, proxy,
static, events, a database and a route large enough to compress); each mutated copy lacks one
middleware's setup.
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
    "routes": [{"method": "GET", "path": "/big", "text": "lorem ipsum " * 100}],
    "tests": True,
}

#: Logging shows only in the server's output: the generated tests do not check it. A database
#: shows only through the resources' answers, which have no generated tests yet.
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
