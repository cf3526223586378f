"""`dualgen workshop build --annotate`: the only change is comments, the same comments in both
frameworks, and the code stays ruff- and prettier-clean and passes verify."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from generator import verify as verifying
from tests.helpers import ROOT, run_dualgen
from tests.integration.test_workshop_build import FOLDERS

pytestmark = pytest.mark.integration

MARKERS = {"flask": "#", "express": "//"}
SUFFIXES = {"flask": ".py", "express": ".js"}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("annotate")
    found = {}
    for label, args in (("plain", []), ("annotated", ["--annotate"])):
        result = run_dualgen(
            "workshop", "build", "flask-vs-express", "-o", str(root / label), *args, cwd=ROOT
        )
        assert result.returncode == 0, result.stderr
        found[label] = root / label
    return found


def added_comments(plain: Path, annotated: Path, framework: str) -> list[str]:
    """The lines --annotate added to a project, without their comment marker; it must add
    nothing else and remove nothing."""
    added = []
    for path in sorted(annotated.rglob("*")):
        if not path.is_file():
            continue
        before = (plain / path.relative_to(annotated)).read_text(encoding="utf-8").splitlines()
        after = path.read_text(encoding="utf-8").splitlines()
        for line in difflib.ndiff(before, after):
            assert not line.startswith("- "), f"{path}: removed {line!r}"
            if line.startswith("+ "):
                text = line[2:].strip()
                assert path.suffix == SUFFIXES[framework], f"{path}: annotated"
                assert text.startswith(MARKERS[framework] + " "), f"{path}: {text!r} is code"
                added.append(text[len(MARKERS[framework]) + 1 :])
    return added


@pytest.mark.parametrize("folder", FOLDERS)
def test_annotations_are_comments_mirrored_in_both_frameworks(builds, folder):
    comments = {
        name: added_comments(
            builds["plain"] / "steps" / folder / name,
            builds["annotated"] / "steps" / folder / name,
            name,
        )
        for name in MARKERS
    }
    assert comments["flask"], "nothing annotated"
    assert sorted(comments["flask"]) == sorted(comments["express"])
    assert "[workshop] Starting the server." in comments["flask"]
    if folder == "05-logging-and-cors":
        # The Flask code's own comment says what the catalog's help would: the title alone.
        assert "[workshop] CORS." in comments["express"]


@pytest.mark.parametrize("framework", list(MARKERS))
def test_a_note_names_the_chosen_values_never_a_placeholder(builds, framework):
    step = Path("steps") / "05-logging-and-cors" / framework
    added = added_comments(builds["plain"] / step, builds["annotated"] / step, framework)
    text = "\n".join(added)
    assert (
        "[workshop] Request logging: One access-log line per request (method,\n"
        "URL, status, length, time), in the tiny format."
    ) in text
    assert "[workshop] JSON bodies: Parse JSON request bodies up to 102400\n" in text
    for placeholder in ("FORMAT", "LIMIT", "MAX", "WINDOW", "HOPS", "DEPTH"):
        assert placeholder not in text


def test_no_note_sits_above_a_comment_that_says_the_same(builds):
    cors = builds["annotated"] / "steps" / "05-logging-and-cors" / "flask" / "hello" / "cors.py"
    lines = cors.read_text(encoding="utf-8").splitlines()
    at = lines.index("# [workshop] CORS.")
    assert lines[at + 1 : at + 3] == [
        "# Browser requests from these origins only, without credentials.",
        "cors = CORS(origins=['http://localhost:5173'])",
    ]
    assert not any(line.startswith("# [workshop] CORS: ") for line in lines)


def test_without_annotate_the_code_carries_no_annotation(builds):
    for path in (builds["plain"] / "steps").rglob("*"):
        if path.is_file():
            assert "[workshop]" not in path.read_text(encoding="utf-8"), path


def test_annotated_code_passes_ruff_and_prettier(builds, prettier):
    steps = builds["annotated"] / "steps"
    for folder in FOLDERS:
        project = steps / folder / "flask"
        ruff = [sys.executable, "-m", "ruff"]
        # Each project ships its ruff configuration (pyproject.toml), as a user would run it.
        for command in ([*ruff, "format", "--check", "--no-cache", "."], [*ruff, "check", "."]):
            result = subprocess.run(command, cwd=project, capture_output=True, text=True)
            assert result.returncode == 0, folder + result.stdout + result.stderr
    files = [str(path) for path in sorted(steps.glob("*/express/**/*.js"))]
    result = subprocess.run(
        [str(prettier), "--single-quote", "--check", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("framework", list(MARKERS))
def test_annotated_code_passes_verify(builds, framework):
    project = builds["annotated"] / "steps" / "05-logging-and-cors" / framework
    result = verifying.verify(project)
    assert result.ok, [(c.exchange.name, c.problems) for c in result.failures]
