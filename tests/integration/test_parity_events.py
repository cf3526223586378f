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


def parity(
    flask: Path, express: Path, cwd: Path, requests: str = REQUESTS
) -> tuple[int, dict, str]:
    result = run_dualgen(
        "parity",
        str(flask),
        str(express),
        "--seed",
        SEED,
        "-n",
        requests,
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


def test_a_difference_planted_in_a_stream_is_reported(pair, tmp_path):
    # Express's retry: line changed by hand; the drawn requests see nothing of it.
    planted = shutil.copytree(pair["express"], tmp_path / "express")
    source = (planted / "events.js").read_text(encoding="utf-8")
    assert source.count("const RETRY_MS = 3000;") == 1
    changed = source.replace("const RETRY_MS = 3000;", "const RETRY_MS = 5000;")
    (planted / "events.js").write_text(changed, encoding="utf-8")
    # Few drawn requests: the streams are compared whatever their number.
    code, report, stderr = parity(pair["flask"], planted, tmp_path, "10")
    differences = report["streams"]["differences"]
    assert code == 1, stderr[-2000:]
    assert report["ok"] is False
    assert [d["signature"] for d in report["differences"] if d["declared"] is None] == []
    assert [(d["step"], d["line"]) for d in differences] == [
        ("GET /events: an event stream that starts with retry:", 5)
    ]
    assert (differences[0]["flask"][-1], differences[0]["express"][-1]) == (
        "retry: 3000",
        "retry: 5000",
    )
    assert differences[0]["problems"] == {"flask": [], "express": []}
    assert "parity: streams: 5 steps on each server, 1 differing" in stderr
