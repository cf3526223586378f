"""`dualgen cache info` and `dualgen cache clean`, on a cache of their own (DUALGEN_CACHE_DIR):
where it is, how big, which entries are damaged, and a clean that removes only entries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.runner import CACHE_FORMAT, COMPLETE
from tests.helpers import ROOT


def dualgen(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DUALGEN_CACHE_DIR=str(cache))
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def entry(folder: Path, files: dict[str, str], *, recorded: dict[str, int] | None = None) -> None:
    """A cache entry with its files and the manifest that marks it complete."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    manifest = recorded if recorded is not None else {n: len(t) for n, t in files.items()}
    (folder / COMPLETE).write_text(json.dumps({"format": CACHE_FORMAT, "files": manifest}))


@pytest.fixture
def cache(tmp_path) -> Path:
    root = tmp_path / "cache"
    entry(root / "venvs" / "aaaa", {"bin/python": "x" * 1000})
    (root / "venvs" / "aaaa.lock").write_text("")
    # damaged: a package went missing since it was installed
    entry(root / "node" / "bbbb", {"node_modules/cors/index.js": "y" * 2048})
    (root / "node" / "bbbb" / "node_modules" / "cors" / "index.js").unlink()
    (root / "node" / "bbbb.tmp-12-ab").mkdir(parents=True)
    (root / "node" / "bbbb.tmp-12-ab" / "half").write_text("z" * 10)
    (root / "tools" / "prettier-3").mkdir(parents=True)
    (root / "tools" / "prettier-3" / "p.js").write_text("p" * 100)
    return root


def test_info_says_where_how_big_and_which_entries_are_damaged(cache):
    result = dualgen("cache", "info", cache=cache)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"cache  {cache}"
    assert lines[1].startswith("total  4 entries, ")
    assert "venvs  1 entry, " in result.stdout and "node  1 entry, " in result.stdout
    (bbbb,) = [line for line in lines if line.startswith("  bbbb ")]
    assert bbbb.endswith("damaged: rebuilt when next used")
    (aaaa,) = [line for line in lines if line.startswith("  aaaa ")]
    assert aaaa.split() == ["aaaa", "1.0", "KiB"]  # its files and its manifest
    assert "left by an interrupted install" in result.stdout


def test_info_as_json(cache):
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    assert data["path"] == str(cache)
    kinds = {Path(item["path"]).name: (item["kind"], item["healthy"]) for item in data["entries"]}
    assert kinds == {
        "aaaa": ("venvs", True),
        "bbbb": ("node", False),
        "bbbb.tmp-12-ab": ("leftover", None),
        "prettier-3": ("tools", None),
    }
    assert data["bytes"] == sum(item["bytes"] for item in data["entries"]) >= 1000 + 10 + 100


def test_clean_removes_every_entry_and_nothing_else(cache, tmp_path):
    (tmp_path / "beside.txt").write_text("mine")
    result = dualgen("cache", "clean", cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Removed 4 entries (") and str(cache) in result.stdout
    left = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert left == ["venvs/aaaa.lock"]
    assert (tmp_path / "beside.txt").read_text() == "mine"
    assert dualgen("cache", "info", cache=cache).stdout.splitlines()[1] == "total  0 entries, 0 B"


def test_info_of_a_cache_not_made_yet(tmp_path):
    result = dualgen("cache", "info", cache=tmp_path / "none")
    assert result.returncode == 0 and "total  0 entries, 0 B" in result.stdout
    assert not (tmp_path / "none").exists()
