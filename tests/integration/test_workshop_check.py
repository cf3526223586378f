"""`dualgen check` against hand-written participant projects (tests/workshop_projects): the
correct ones pass, each broken one fails on the right check with that check's hint, exit 1,
and no process is left behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import psutil
import pytest

from generator import workshop as workshops
from generator.workshop import check as checking
from tests.helpers import ROOT, run_dualgen

pytestmark = pytest.mark.integration

PROJECTS = ROOT / "tests" / "workshop_projects"
STEP = 3
CHECKS = ["start", "GET /", "GET /users/{id:int}", "GET /users/{id:int}: id not an int"]
CHECKS.append("no X-Powered-By")
WORKSHOP = workshops.load_workshop("flask-vs-express")


def hint(check: str) -> str:
    """The first line of the built-in workshop's hint for a check at step 3, as printed."""
    text = workshops.load_workshop("flask-vs-express").hint(STEP, check)
    assert text, f"the built-in workshop has no hint for {check!r} at step {STEP}"
    return " ".join(text.split()[:8])


def participant(name: str, tmp_path: Path) -> Path:
    """A copy of a participant project: running it must not write into tests/."""
    return Path(shutil.copytree(PROJECTS / name, tmp_path / name))


def processes_in(folder: Path) -> list[str]:
    """Processes still running with their working folder inside folder."""
    found = []
    for process in psutil.process_iter(["cwd", "cmdline"]):
        cwd = process.info.get("cwd")
        if cwd and Path(cwd).is_relative_to(folder):
            found.append(" ".join(process.info.get("cmdline") or []))
    return found


def check(tmp_path: Path, *args: str):
    result = run_dualgen("check", "--step", str(STEP), *args, cwd=tmp_path)
    assert processes_in(tmp_path) == []
    return result


def outcome_lines(stdout: str) -> dict[str, str]:
    """Each check's mark (ok, FAIL, --) by check name, from a report."""
    marks = {}
    for line in stdout.splitlines():
        mark, _, rest = line.strip().partition("  ")
        name = rest.split("  (not run")[0].strip()
        if mark in ("ok", "FAIL", "--") and name in CHECKS:
            marks[name] = mark
    return marks


@pytest.mark.parametrize("name", ["flask-correct", "express-correct"], ids=["flask", "express"])
def test_a_correct_hand_written_project_passes(name, tmp_path):
    project = participant(name, tmp_path)
    result = check(tmp_path, str(project))
    assert result.returncode == 0, result.stdout + result.stderr
    assert outcome_lines(result.stdout) == {name: "ok" for name in CHECKS}
    assert f"All {len(CHECKS)} checks passed." in result.stdout


BROKEN = [
    pytest.param(
        "express-wrong-status",
        "GET /users/{id:int}: id not an int",
        ["got       status 400", "expected  status 404"],
        id="wrong-status",
    ),
    pytest.param(
        "flask-wrong-body",
        "GET /users/{id:int}",
        [
            """JSON {"route": "GET /users/{id:int}", "params": {"id": 42}}""",
            """body '{"params":{"id":"42"}""",
            """problem   params.id is "42" (a string), expected 42 (a number)""",
        ],
        id="wrong-body",
    ),
    pytest.param(
        "express-missing-route",
        "GET /users/{id:int}",
        ["got       status 404", "expected  status 200, application/json"],
        id="missing-route",
    ),
    pytest.param(
        "flask-crash",
        "start",
        [
            "problem   the server exited with code 1 before listening",
            "RuntimeError: The environment variable 'SETTINGS' is not set",
        ],
        id="crashing-server",
    ),
    pytest.param(
        "express-wrong-port",
        "start",
        ["problem   the server did not listen on port", "listening on 3999"],
        id="wrong-port",
    ),
]


@pytest.mark.parametrize(("name", "failing", "details"), BROKEN)
def test_a_broken_project_fails_on_the_right_check_with_its_hint(name, failing, details, tmp_path):
    project = participant(name, tmp_path)
    result = check(tmp_path, "--timeout", "4", str(project))
    assert result.returncode == 1, result.stdout + result.stderr
    marks = outcome_lines(result.stdout)
    assert marks[failing] == "FAIL"
    if failing == "start":  # nothing else can run
        assert [mark for check_, mark in marks.items() if check_ != "start"] == ["--"] * 4
    else:
        assert [c for c, mark in marks.items() if mark != "ok"] == [failing]
    for text in details:
        assert text in result.stdout
    flat = " ".join(result.stdout.split())
    assert "hint " + hint(failing) in flat
    assert result.stderr == ""


FLASK_RUN, PYTHON, NPM = "flask --app app run", "python app.py", "npm start"
TEXTBOOK = [
    pytest.param("flask-quickstart", [2, 3], [FLASK_RUN] * 2, id="flask-run"),
    pytest.param("flask-one-file", [2, 3, 4, 5], [PYTHON] * 4, id="flask-one-file"),
    pytest.param("express-esm", [2, 3, 4, 5], [NPM] * 4, id="express-es-module"),
    pytest.param(
        "flask-factory", [3, 4, 5, 6, 7], [PYTHON] * 4 + ["gunicorn app:app"], id="flask-factory"
    ),
    pytest.param(
        "express-mjs", [3, 4, 5, 6, 7], [NPM] * 4 + ["npm run start:prod"], id="express-mjs"
    ),
]


@pytest.mark.parametrize(("name", "steps", "commands"), TEXTBOOK)
def test_a_textbook_solution_passes_every_step_it_covers(name, steps, commands, tmp_path):
    project = participant(name, tmp_path)
    reports = checking.check_steps(WORKSHOP, steps, project, timeout=30)
    assert processes_in(tmp_path) == []
    assert [report.step.number for report in reports] == steps
    assert [report.command for report in reports] == commands
    failed = {
        report.step.number: [(o.name, o.state, o.problems) for o in report.outcomes if not o.ok]
        for report in reports
    }
    assert failed == {number: [] for number in steps}
    checked = {report.step.number: len(report.outcomes) for report in reports}
    assert checked == {number: len(WORKSHOP.step(number).checks()) for number in steps}
    # Nothing is left in the participant's folder: no node_modules link, no other file.
    left = {path.name for path in project.iterdir()} - {"__pycache__"}
    assert left == {path.name for path in (PROJECTS / name).iterdir()}


WRONG = [
    pytest.param(
        "express-cors-any-origin",
        5,
        "CORS: refused origin",
        "header Access-Control-Allow-Origin: '*' lets a page from https://refused.example read "
        "the answer; expected no such header, or one naming another origin",
        id="cors-any-origin",
    ),
    pytest.param(
        "flask-no-size-limit",
        4,
        "JSON body over 102400 bytes",
        "status 201, expected 413",
        id="no-size-limit",
    ),
]


@pytest.mark.parametrize(("name", "step", "failing", "problem"), WRONG)
def test_a_wrong_solution_fails_only_the_check_of_its_mistake(
    name, step, failing, problem, tmp_path
):
    project = participant(name, tmp_path)
    [report] = checking.check_steps(WORKSHOP, [step], project, timeout=30)
    assert processes_in(tmp_path) == []
    failed = [outcome for outcome in report.outcomes if outcome.state != "ok"]
    assert [(outcome.name, outcome.state) for outcome in failed] == [(failing, "fail")]
    assert failed[0].problems[0] == problem
    assert failed[0].hint == WORKSHOP.hint(step, failing)


def test_several_projects_give_one_table(tmp_path):
    names = ["flask-correct", "express-correct", "express-missing-route"]
    projects = [str(participant(name, tmp_path).relative_to(tmp_path)) for name in names]
    result = check(tmp_path, *projects)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {
        line.split()[0]: line.split()[1:]
        for line in result.stdout.splitlines()
        if line.split() and line.split()[0] in names
    }
    assert rows["flask-correct"] == ["ok"] * 5 + ["5/5"]
    assert rows["express-correct"] == ["ok"] * 5 + ["5/5"]
    assert rows["express-missing-route"] == ["ok", "ok", "FAIL", "ok", "ok", "4/5"]
    assert "express-missing-route: 3 GET /users/{id:int}: status 404, expected 200" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--step", "10"], "step 10 does not exist", id="no-such-step"),
        pytest.param(["--step", "0"], "step 0 does not exist", id="step-zero"),
        pytest.param(
            ["--step", "1", "--workshop", "nope"],
            "workshop 'nope' is neither a built-in workshop",
            id="unknown-workshop",
        ),
        pytest.param(["--step", "1", "empty"], "is neither a Flask project", id="not-a-project"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_dualgen("check", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == ""
