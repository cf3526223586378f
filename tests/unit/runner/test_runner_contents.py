"""`dualgen cache info` on what each entry holds: the packages it was installed for, its size,
when it was last used; and a leftover folder told apart as an install another live process is
running (it holds the key's lock) or one a dead process left."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import runner
from generator.cache import TAG, TAG_TEXT
from generator.runner import COMPLETE
from tests.unit.test_cache import A, B, dualgen, entry

C = "c" * 16
#: 2024-03-01 12:00 UTC: a fixed time of last use.
USED = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.timezone.utc).timestamp()


def dist_info(venv: Path, name: str, version: str, requested: bool) -> dict[str, str]:
    folder = f"lib/python3.12/site-packages/{name.replace('-', '_')}-{version}.dist-info"
    files = {f"{folder}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"}
    if requested:
        files[f"{folder}/REQUESTED"] = ""
    return files


@pytest.fixture
def cache(tmp_path) -> Path:
    root = tmp_path / "cache"
    root.mkdir()
    (root / TAG).write_bytes(TAG_TEXT)
    files = {"bin/python": "x" * 1000}
    files |= dist_info(root, "Flask", "3.1.3", requested=True)
    files |= dist_info(root, "flask-cors", "6.0.5", requested=True)
    files |= dist_info(root, "Werkzeug", "3.1.4", requested=False)  # a dependency of Flask
    entry(root / "venvs" / A, files)
    manifest = {"private": True, "dependencies": {"express": "5.3.0", "cors": "2.8.6"}}
    entry(
        root / "node" / B,
        {
            "package.json": json.dumps(manifest),
            "node_modules/express/package.json": '{"name": "express", "version": "5.3.0"}',
            "node_modules/cors/package.json": '{"name": "cors", "version": "2.8.6"}',
        },
    )
    for folder in (root / "venvs" / A, root / "node" / B):
        os.utime(folder / COMPLETE, (USED, USED))
    return root


def test_info_shows_what_each_entry_holds_its_size_and_when_it_was_last_used(cache):
    result = dualgen("cache", "info", cache=cache)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"  {A} "))
    assert lines[at].split()[2] == "KiB"
    assert lines[at].endswith(" days ago") and "  used " in lines[at]
    assert lines[at + 1] == "    Flask 3.1.3, flask-cors 6.0.5"  # what pip was asked for
    at = next(i for i, line in enumerate(lines) if line.startswith(f"  {B} "))
    assert lines[at + 1] == "    cors 2.8.6, express 5.3.0"
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    found = {Path(e["path"]).name: (e["packages"], e["last_used"]) for e in data["entries"]}
    assert found == {
        A: (["Flask 3.1.3", "flask-cors 6.0.5"], "2024-03-01T12:00:00+00:00"),
        B: (["cors 2.8.6", "express 5.3.0"], "2024-03-01T12:00:00+00:00"),
    }


def test_a_missing_package_is_named_as_missing(cache):
    (cache / "node" / B / "node_modules" / "cors" / "package.json").unlink()
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    (node,) = [e for e in data["entries"] if e["kind"] == "node"]
    assert (node["packages"], node["healthy"]) == (["cors missing", "express 5.3.0"], False)


def test_reusing_an_entry_marks_it_used(cache, monkeypatch):
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(cache))

    def build(into: Path, env: dict[str, str]) -> None:
        raise AssertionError("a healthy entry is reused, never built")

    assert runner._cached(cache / "venvs" / A, build) is True
    assert (cache / "venvs" / A / COMPLETE).stat().st_mtime > USED + 86400


@pytest.fixture
def holder(cache):
    """A live process that holds the lock of key C, as an install under way does."""
    lock = cache / "venvs" / f"{C}.lock"
    code = (
        "import sys, time\nfrom filelock import FileLock\n"
        f"lock = FileLock({str(lock)!r})\nlock.acquire()\n"
        "print('held', flush=True)\ntime.sleep(120)\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "held\n"
        yield process.pid
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def test_an_install_under_way_is_told_from_one_a_dead_process_left(cache, holder):
    (cache / "venvs" / f"{C}.tmp-{holder}-abcdef01" / "bin").mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    gone = int(dead.stdout)
    (cache / "venvs" / f"{A}.tmp-{gone}-abcdef02" / "bin").mkdir(parents=True)
    (cache / "venvs" / f"{A}.lock").write_text("")  # its lock, held by nobody now
    lines = dualgen("cache", "info", cache=cache).stdout.splitlines()
    (under_way,) = [line for line in lines if line.startswith(f"  {C}.tmp-{holder}-")]
    assert under_way.endswith(f"an install under way (process {holder} holds the lock): leave it")
    (left,) = [line for line in lines if line.startswith(f"  {A}.tmp-{gone}-")]
    assert left.endswith(
        f"left by an interrupted install (process {gone} is gone): the next install or clean "
        "removes it"
    )
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    states = {Path(e["path"]).name: (e["state"], e["pid"]) for e in data["entries"]}
    assert states[f"{C}.tmp-{holder}-abcdef01"] == ("installing", holder)
    assert states[f"{A}.tmp-{gone}-abcdef02"] == ("interrupted", gone)


def test_a_leftover_whose_process_lives_but_holds_no_lock_is_not_an_install(cache):
    """A pid reused by another program: without the lock it is no install."""
    (cache / "venvs" / f"{A}.tmp-{os.getpid()}-abcdef03").mkdir(parents=True)
    (cache / "venvs" / f"{A}.lock").write_text("")
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    states = {Path(e["path"]).name: e["state"] for e in data["entries"]}
    assert states[f"{A}.tmp-{os.getpid()}-abcdef03"] == "interrupted"
    lines = dualgen("cache", "info", cache=cache).stdout.splitlines()
    (left,) = [line for line in lines if line.startswith(f"  {A}.tmp-")]
    assert left.endswith("left by an interrupted install (no install holds its lock): the next "
                         "install or clean removes it")  # fmt: skip


def test_reading_the_cache_writes_no_lock(cache):
    (cache / "venvs" / f"{C}.tmp-1-abcdef04").mkdir(parents=True)
    before = sorted(p.name for p in (cache / "venvs").iterdir())
    assert dualgen("cache", "info", cache=cache).returncode == 0
    assert sorted(p.name for p in (cache / "venvs").iterdir()) == before
