"""`dualgen check` at the workshop's steps 8 (Store data) and 9 (Real-time updates), against
real servers: the reference solution of step 8 passes (step 9's: test_workshop_build.py), and a
project that lacks a feature or breaks it fails the new checks, each with one line that says
what happened."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator import spec as specs
from generator.render import render
from tests.helpers import ROOT, run_dualgen

pytestmark = pytest.mark.integration

LIVE = [
    "event stream: opens at once",
    "event stream: a posted event arrives",
    "event stream: resumes after Last-Event-ID",
    "resource /items: kept across a restart",
]


@pytest.fixture(scope="module")
def steps(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("workshop") / "out"
    result = run_dualgen("workshop", "build", "flask-vs-express", "-o", str(output), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return output / "steps"


def problems(stdout: str) -> dict[str, list[str]]:
    """Each failed check's problem lines, by check name, from a one-project report."""
    found: dict[str, list[str]] = {}
    name, reading = "", False
    for line in stdout.splitlines():
        if line.startswith("  FAIL  "):
            name = line[8:].strip()
            found[name] = []
        elif line.startswith("        problem   ") and name:
            found[name].append(line[18:])
        elif line.startswith(" " * 18) and reading:
            found[name][-1] += " " + line.strip()  # a long problem wraps
            continue
        reading = line.startswith("        problem   ") and bool(name)
    return found


def test_the_store_data_reference_solutions_pass(steps, tmp_path):
    folders = [
        shutil.copytree(steps / "08-store-data" / framework, tmp_path / framework)
        for framework in ("flask", "express")
    ]
    result = run_dualgen("check", "--step", "8", *map(str, folders), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(str(tmp_path))]
    assert [row[-1] for row in rows] == ["34/34", "34/34"]


def test_a_project_of_step_7_fails_each_new_check_in_one_line(steps, tmp_path):
    project = shutil.copytree(steps / "07-production" / "flask", tmp_path / "flask")
    result = run_dualgen("check", "--step", "9", str(project), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    found = problems(result.stdout)
    assert {name: found[name] for name in LIVE} == {
        LIVE[0]: ["GET /events answered status 404, expected 200"],
        LIVE[1]: ["GET /events answered status 404, expected 200"],
        LIVE[2]: ["GET /events answered status 404, expected 200"],
        LIVE[3]: ["POST /items answered status 404, expected 201"],
    }
    assert found["resource /items: create"][0].startswith("status 404, expected 201 ")
    assert "20 of 45 checks passed." in result.stdout


def test_a_stream_that_ignores_last_event_id_fails_resumption_only(steps, tmp_path):
    project = shutil.copytree(steps / "09-real-time" / "express", tmp_path / "express")
    events = project / "events.js"
    text = events.read_text(encoding="utf-8")
    line = "const sent = req.get('Last-Event-ID') ?? '';"
    assert text.count(line) == 1
    events.write_text(text.replace(line, "const sent = '';"), encoding="utf-8")
    result = run_dualgen("check", "--step", "9", str(project), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    # The project's own tests catch it too.
    assert problems(result.stdout) == {
        LIVE[2]: ["20 blocks without data, waiting for the event after id 2"],
        "tests": ["the tests exited with code 1"],
    }


def test_items_kept_in_memory_are_lost_at_a_restart(steps, tmp_path):
    """The resource without -m database: the generated in-memory store, as a participant who
    skipped the database would have it, with one worker so that every request meets it."""
    answers = yaml.safe_load((steps / "08-store-data" / "flask" / ".dualgen.yaml").read_text())
    del answers["dualgen"], answers["settings"]["database"]
    answers["middleware"].remove("database")
    [project] = render(specs.build(answers), ["flask"], tmp_path)
    gunicorn = project / "gunicorn.conf.py"
    gunicorn.write_text(gunicorn.read_text() + "\nworkers = 1\n", encoding="utf-8")
    result = run_dualgen("check", "--step", "8", str(project), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert problems(result.stdout) == {
        LIVE[3]: [
            "GET /items/1 after a restart answered status 404, expected 200: keep items in "
            "the database DATABASE_URL names, not in memory"
        ]
    }
