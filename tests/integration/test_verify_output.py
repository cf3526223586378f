"""What `dualgen verify` prints: at a terminal, what it installs and the seconds it takes while
it runs, then one line for the install; pip's output with --verbose; nothing but failures with -q;
colour only at a terminal without NO_COLOR."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_dualgen

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("verify-output")
    result = run_dualgen("new", "flask", "shop", "--no-input", "-o", str(root), cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "shop"


def env(**more: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    base["PYTHONPATH"] = str(ROOT)
    return base | more


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect drives POSIX terminals")
def test_at_a_terminal_the_install_shows_what_and_how_long_then_one_line(project, tmp_path):
    import pexpect

    cache = str(tmp_path / "cache")
    outputs = []
    for extra in ({}, {"NO_COLOR": "1"}):
        child = pexpect.spawn(
            sys.executable,
            ["-m", "generator", "verify", str(project)],
            env=env(DUALGEN_CACHE_DIR=cache, TERM="xterm", **extra),
            encoding="utf-8",
            timeout=300,
            dimensions=(24, 100),
        )
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        outputs.append(child.before)
    cold, warm = outputs
    assert re.search(r"\r  install  flask==3\.1\.3 \(pip\) … \d+ s", cold)
    lines = [line.split("\r")[-1] for line in cold.split("\r\n")]
    assert re.fullmatch(r"  install  installed in [\d.]+ s: flask==3\.1\.3 \(pip\)", lines[1])
    assert "\x1b[32mok  \x1b[0m" in cold
    assert "install  reused from the cache in" in warm
    assert not ANSI.search(warm)


def test_verbose_shows_pips_own_output(project, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(project), "--verbose"],
        env=env(DUALGEN_CACHE_DIR=str(tmp_path / "cache")),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "  install  flask==3.1.3 (pip) …\n" in result.stdout
    assert re.search(r"^ {11}Successfully installed .*flask-3\.1\.3", result.stdout, re.M)
    assert not ANSI.search(result.stdout)


def test_quiet_prints_nothing_when_it_passes_and_only_what_failed_otherwise(project, tmp_path):
    quiet = run_dualgen("verify", str(project), "-q", cwd=tmp_path)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")
    broken = tmp_path / "broken"
    subprocess.run(["cp", "-r", str(project), str(broken)], check=True)
    app = broken / "app.py"
    app.write_text(app.read_text().replace("Hello, World!", "Goodbye!"))
    failed = run_dualgen("verify", str(broken), "-q", cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[0] == "  FAIL     GET /"
    assert "ok" not in failed.stdout and "install" not in failed.stdout
    assert "1 of 2 exchanges failed." in failed.stderr
