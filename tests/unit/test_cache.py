"""`dualgen cache info` and `dualgen cache clean`, on a cache of their own (DUALGEN_CACHE_DIR):
where it is, how big, which entries are damaged, and a clean that removes only dualgen's entries
from a folder dualgen marked, never follows a link, and refuses any other folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator import runner
from generator.cache import TAG, TAG_TEXT
from generator.runner import CACHE_FORMAT, COMPLETE
from tests.helpers import ROOT, run_main, run_unprivileged

A, B = "a" * 16, "b" * 16


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
    root.mkdir()
    (root / TAG).write_bytes(TAG_TEXT)
    entry(root / "venvs" / A, {"bin/python": "x" * 1000})
    (root / "venvs" / f"{A}.lock").write_text("")
    # damaged: a package went missing since it was installed
    entry(root / "node" / B, {"node_modules/cors/index.js": "y" * 2048})
    (root / "node" / B / "node_modules" / "cors" / "index.js").unlink()
    (root / "node" / f"{B}.tmp-12-abcdef01").mkdir(parents=True)
    (root / "node" / f"{B}.tmp-12-abcdef01" / "half").write_text("z" * 10)
    (root / "tools" / "prettier-3").mkdir(parents=True)
    (root / "tools" / "prettier-3" / "p.js").write_text("p" * 100)
    (root / "links").mkdir()
    (root / "links" / f"{A}.json").write_text('{"users": []}')  # a link in use: kept
    (root / "links" / "links.lock").write_text("")
    return root


def test_info_says_where_how_big_and_which_entries_are_damaged(cache):
    result = dualgen("cache", "info", cache=cache)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"cache  {cache}"
    assert lines[1].startswith("total  4 entries, ")
    assert "venvs  1 entry, " in result.stdout and "node  1 entry, " in result.stdout
    (bbbb,) = [line for line in lines if line.startswith(f"  {B} ")]
    assert bbbb.endswith("damaged: rebuilt when next used")
    (aaaa,) = [line for line in lines if line.startswith(f"  {A} ")]
    assert aaaa.split()[:3] == [A, "1.0", "KiB"]  # its files and its manifest
    assert "left by an interrupted install" in result.stdout


def test_info_as_json(cache):
    data = json.loads(dualgen("cache", "info", "--format", "json", cache=cache).stdout)
    assert data["path"] == str(cache) and data["tagged"] is True and data["not_dualgen"] == []
    kinds = {Path(item["path"]).name: (item["kind"], item["healthy"]) for item in data["entries"]}
    assert kinds == {
        A: ("venvs", True),
        B: ("node", False),
        f"{B}.tmp-12-abcdef01": ("leftover", None),
        "prettier-3": ("tools", None),
    }
    assert data["bytes"] == sum(item["bytes"] for item in data["entries"]) >= 1000 + 10 + 100


def test_clean_removes_every_entry_and_nothing_else(cache, tmp_path):
    (tmp_path / "beside.txt").write_text("mine")
    (cache / "notes.txt").write_text("mine too")
    (cache / "venvs" / "README").write_text("and mine")
    result = dualgen("cache", "clean", cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"  removed  node/{B}  (62 B)",
        f"  removed  node/{B}.tmp-12-abcdef01  (10 B)",
        "  removed  tools/prettier-3  (100 B)",
        f"  removed  venvs/{A}  (1.0 KiB)",
        f"Removed 4 entries (1.2 KiB) from {cache}",
        "Left 2 not written by dualgen where they are",
    ]
    left = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert left == [
        TAG,
        f"links/{A}.json",
        "links/links.lock",
        "notes.txt",
        "venvs/README",
        f"venvs/{A}.lock",
    ]
    assert (tmp_path / "beside.txt").read_text() == "mine"
    assert dualgen("cache", "info", cache=cache).stdout.splitlines()[1] == "total  0 entries, 0 B"


def test_info_of_a_cache_not_made_yet(tmp_path):
    result = dualgen("cache", "info", cache=tmp_path / "none")
    assert result.returncode == 0 and "total  0 entries, 0 B" in result.stdout
    assert not (tmp_path / "none").exists()


def files_under(folder: Path) -> dict[str, str]:
    """Every file under folder (links not followed) and its text."""
    return {
        p.relative_to(folder).as_posix(): p.read_text()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_a_folder_without_the_tag_is_refused_and_keeps_every_file(tmp_path):
    """DUALGEN_CACHE_DIR=$HOME: a home folder, with folders named as dualgen's kinds."""
    home = tmp_path / "home"
    for name, text in {
        "Documents/letter.txt": "dear",
        "projects/app/main.py": "print()",
        "node/notes.md": "mine",
        "venvs/work/bin/python": "#!",
        f"venvs/{A}/kept": "looks like dualgen's, is not alone",
    }.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_text(text)
    before = files_under(home)
    result = dualgen("cache", "clean", cache=home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"dualgen: error: {home} is not a dualgen cache: it has no CACHEDIR.TAG and holds names "
        "dualgen does not write (Documents, node/notes.md, projects and 1 more); nothing was "
        "removed. Set DUALGEN_CACHE_DIR to dualgen's own cache folder, or unset it\n"
    )
    assert files_under(home) == before
    assert not (home / TAG).exists()


def test_a_link_in_the_cache_is_removed_and_its_target_kept(cache, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "deep").mkdir(parents=True)
    (elsewhere / "deep" / "precious.txt").write_text("keep")
    (elsewhere / f"{A}").mkdir()
    (elsewhere / f"{A}" / "also.txt").write_text("keep too")
    shutil.rmtree(cache / "node")
    (cache / "node").symlink_to(elsewhere, target_is_directory=True)
    (cache / "venvs" / B).symlink_to(elsewhere / "deep", target_is_directory=True)
    # a link inside an entry: rmtree removes the link, not what it points to
    (cache / "venvs" / A / "lib").symlink_to(elsewhere, target_is_directory=True)
    result = dualgen("cache", "clean", cache=cache)
    assert result.returncode == 0, result.stderr
    assert "  removed  node  (link)" in result.stdout.splitlines()
    assert f"  removed  venvs/{B}  (link)" in result.stdout.splitlines()
    assert files_under(elsewhere) == {"deep/precious.txt": "keep", f"{A}/also.txt": "keep too"}
    assert not os.path.lexists(cache / "node") and not os.path.lexists(cache / "venvs" / B)
    assert not (cache / "venvs" / A).exists()


def test_info_marks_a_link_and_a_folder_without_the_tag(tmp_path):
    root = tmp_path / "c"
    (root / "venvs").mkdir(parents=True)
    (tmp_path / "there").mkdir()
    (root / "node").symlink_to(tmp_path / "there", target_is_directory=True)
    lines = dualgen("cache", "info", cache=root).stdout.splitlines()
    assert lines[:4] == [
        f"cache  {root}",
        "total  1 entry, " + lines[1].split(", ")[1],
        "CACHEDIR.TAG missing: not marked as dualgen's cache",
        "not dualgen's  1 (clean leaves them)",
    ]
    assert "  node  a link: clean removes it, not its target" in lines


def test_an_older_cache_of_dualgen_names_alone_is_marked_and_cleaned(cache):
    (cache / TAG).unlink()
    result = dualgen("cache", "clean", cache=cache)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"Marked {cache} as dualgen's cache (CACHEDIR.TAG): it held only dualgen's names"
    )
    assert (cache / TAG).read_bytes() == TAG_TEXT
    assert sorted(p.name for p in cache.rglob("*") if p.is_file()) == [
        TAG,
        f"{A}.json",
        f"{A}.lock",
        "links.lock",
    ]


def test_an_older_cache_holding_a_link_is_refused(cache, tmp_path):
    (cache / TAG).unlink()
    (tmp_path / "there").mkdir()
    (tmp_path / "there" / "x").write_text("keep")
    (cache / "tools" / "linked").symlink_to(tmp_path / "there", target_is_directory=True)
    result = dualgen("cache", "clean", cache=cache)
    assert result.returncode == 2
    assert "holds names dualgen does not write (tools/linked)" in result.stderr
    assert (tmp_path / "there" / "x").read_text() == "keep"
    assert (cache / "venvs" / A / "bin" / "python").exists()


def test_a_real_cache_gets_the_tag_and_clean_empties_it(tmp_path, monkeypatch):
    """Entries made by the install code itself (the build is a stand-in for pip)."""
    root = tmp_path / "made" / "by" / "dualgen"
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(root))

    def build(into: Path, env: dict[str, str]) -> None:
        (into / "bin").mkdir()
        (into / "bin" / "python").write_text("x" * 500)

    assert runner._cached(root / "venvs" / A, build) is False
    assert runner._cached(root / "venvs" / A, build) is True
    assert runner._cached(root / "node" / B, build) is False
    assert (root / TAG).read_bytes().startswith(b"Signature: 8a477f597d28d172789f06886806bc55")
    result = dualgen("cache", "clean", cache=root)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[-1].startswith("Removed 2 entries (1.")
        and str(root) in result.stdout
    )
    left = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert left == [TAG, f"node/{B}.lock", f"venvs/{A}.lock"]


def test_no_tag_is_written_into_a_folder_that_holds_other_files(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(home))
    assert runner.cache_folder("venvs") == home / "venvs"
    assert not (home / TAG).exists()
    assert dualgen("cache", "clean", cache=home).returncode == 2


def test_info_of_a_path_too_long_is_one_line(tmp_path):
    root = tmp_path / ("x" * 300)
    result = dualgen("cache", "info", cache=root)
    assert result.returncode == 2
    assert result.stderr == (
        f"dualgen: error: the cache folder {str(root)!r} cannot be used: File name too long; "
        "set DUALGEN_CACHE_DIR to a folder path that exists or can be made\n"
    )


@pytest.mark.parametrize("command", ["info", "clean"], ids=["info", "clean"])
def test_a_cache_folder_without_access_is_one_line_and_exit_2(command, tmp_path):
    """For real: a user who may not enter the folder that holds the cache (issue 27, low)."""
    closed = Path(tempfile.mkdtemp(prefix="dualgen-closed-"))
    try:
        (closed / "cache").mkdir()
        closed.chmod(0o700)
        env = {**os.environ, "DUALGEN_CACHE_DIR": str(closed / "cache")}
        result = run_unprivileged("cache", command, env=env)
    finally:
        shutil.rmtree(closed)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"dualgen: error: the cache folder {str(closed / 'cache')!r} cannot be used: "
        "Permission denied; set DUALGEN_CACHE_DIR to a folder you may read and write\n"
    )


@pytest.mark.parametrize("command", ["info", "clean"], ids=["info", "clean"])
def test_a_cache_that_cannot_be_read_is_one_line(command, cache, monkeypatch):
    def refused(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(Path, "iterdir", refused)
    code, err = run_main("cache", command)
    assert code == 2
    assert err == (
        f"dualgen: error: the cache folder {str(cache)!r} cannot be used: Permission denied; "
        "set DUALGEN_CACHE_DIR to a folder you may read and write\n"
    )
