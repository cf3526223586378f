"""`dualgen parity` with `-m events` compares the two servers' streams (generator/parity/
streams.py) besides the drawn requests, publishes among them: the generated pair streams alike,
and a difference planted in one project's stream is found and reported like the others."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import spec
from generator.render import render
from tests.helpers import run_dualgen

SEED = "20261206"
REQUESTS = "120"


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> dict[str, Path]:
    answers = {
        "middleware": ["request-id", "cors", "json-body", "error-handlers", "events"],
        "settings": {"events": {"history": 4}, "json-body": {"limit": 4096}},
    }
    made = render(spec.build(answers), ("flask", "express"), tmp_path_factory.mktemp("pair"))
    return {project.name.rsplit("-", 1)[-1]: project for project in made}


def parity(flask: Path, express: Path, cwd: Path) -> tuple[int, dict, str]:
    result = run_dualgen(
        "parity",
        str(flask),
        str(express),
        "--seed",
        SEED,
        "-n",
        REQUESTS,
        "--format",
        "json",
        cwd=cwd,
    )
    return result.returncode, json.loads(result.stdout), result.stderr


def test_the_generated_pair_streams_alike(pair, tmp_path):
    code, report, stderr = parity(pair["flask"], pair["express"], tmp_path)
    undeclared = [d["signature"] for d in report["differences"] if d["declared"] is None]
    assert (code, undeclared) == (0, []), stderr[-2000:]
    assert report["streams"] == {"steps": 5, "skipped": None, "differences": []}
    assert "parity: streams: 5 steps on each server, 0 differing" in stderr


PLANTS = {
    # The retry: line Express sends, and an event name Flask writes differently.
    "express": ("events.js", "const RETRY_MS = 3000;", "const RETRY_MS = 5000;"),
    "flask": (
        "app.py",
        "text = sse_event(data, event=event, id=id)",
        "text = sse_event(data, event=event.upper(), id=id)",
    ),
}


@pytest.mark.parametrize("framework", sorted(PLANTS))
def test_a_difference_planted_in_a_stream_is_reported(pair, framework, tmp_path):
    planted = shutil.copytree(pair[framework], tmp_path / framework)
    name, line, changed = PLANTS[framework]
    source = (planted / name).read_text(encoding="utf-8")
    assert source.count(line) == 1
    (planted / name).write_text(source.replace(line, changed), encoding="utf-8")
    projects = {**pair, framework: planted}
    # Few drawn requests: the streams are compared whatever their number.
    code, report, stderr = parity(projects["flask"], projects["express"], tmp_path, "10")
    differences = report["streams"]["differences"]
    assert code == 1, stderr[-2000:]
    assert report["ok"] is False
    if framework == "express":
        assert [(d["step"], d["line"]) for d in differences] == [
            ("GET /events: an event stream that starts with retry:", 5)
        ]
        assert (differences[0]["flask"][-1], differences[0]["express"][-1]) == (
            "retry: 3000",
            "retry: 5000",
        )
    else:
        assert [d["step"] for d in differences] == [
            "stream: 9 events, hostile data, as posted",
            "stream: a refused publish reaches no stream",
            "stream: Last-Event-ID replays what was missed, then live",
        ]
        shown = {name: " | ".join(differences[0][name]) for name in ("flask", "express")}
        assert "event 1 CHAT.MESSAGE: " in shown["flask"], shown
        assert "event 1 chat.message: " in shown["express"], shown
    assert f"parity: streams: 5 steps on each server, {len(differences)} differing" in stderr
