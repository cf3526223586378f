"""`dualgen verify` checks everything it says: every exchange under a rate limit, a body over a
1 GiB limit without holding it, a limit too large to exceed reported as not checked, a broken
cache entry rebuilt, a time budget that reports what it left out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_dualgen

FRAMEWORKS = ["flask", "express"]


def render(tmp_path: Path, framework: str, *args: str) -> Path:
    result = run_dualgen(
        "new", framework, "shop", "--no-input", "-o", str(tmp_path), *args, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / "shop"


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_every_exchange_is_checked_under_a_small_rate_limit(framework, tmp_path):
    project = render(tmp_path, framework, "-m", "rate-limit,json-body", "--set", "rate-limit.max=2")
    result = run_dualgen("verify", str(project), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in (
        "GET /",
        "malformed JSON body",
        "JSON body nested deeper than 64",
        "JSON body over 102400 bytes",
        "rate limit: headers",
        "rate limit: request 3 in the window",
    ):
        assert f"ok       {name}\n" in result.stdout, result.stdout
    assert "a rate limit of 2: 3 server starts" in result.stdout
    assert "7 exchanges passed;" in result.stdout
    assert "skip" not in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX")
@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_huge_limits_are_checked_or_reported_within_bounded_memory(framework, tmp_path):
    project = render(
        tmp_path,
        framework,
        "-m",
        "rate-limit,json-body",
        "--set",
        "rate-limit.max=1000000",
        "--set",
        f"json-body.limit={1 << 30}",
    )
    # A fresh interpreter reports the largest resident size of verify and what it ran.
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'generator', 'verify', sys.argv[1]],"
        " capture_output=True, text=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "print(done.returncode)\n"
        "print(done.stdout + done.stderr)\n"
    )
    measured = subprocess.run(
        [sys.executable, "-c", measure, str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    max_rss_kib, code, output = measured.stdout.split("\n", 2)
    assert code == "0", output
    assert f"ok       JSON body over {1 << 30} bytes\n" in output
    assert "skip     rate limit: request 1000001 in the window\n" in output
    assert "not checked: it takes 1000001 requests; verify sends at most 1000" in output
    assert "6 exchanges passed, 1 not checked (see above);" in output
    assert int(max_rss_kib) < 400 * 1024, f"{int(max_rss_kib) // 1024} MiB resident"


def corrupt(cache: Path, framework: str) -> Path:
    """Empty one file the server imports, in the only cache entry."""
    if framework == "flask":
        (victim,) = cache.glob("venvs/*/lib/python*/site-packages/flask/app.py")
    else:
        (victim,) = cache.glob("node/*/node_modules/express/lib/express.js")
    victim.write_text("")
    return victim


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_a_broken_cache_entry_is_rebuilt(framework, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(cache))
    project = render(tmp_path, framework)
    first = run_dualgen("verify", str(project), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    victim = corrupt(cache, framework)
    second = run_dualgen("verify", str(project), cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "install  installed" in second.stdout
    assert victim.stat().st_size > 0
    third = run_dualgen("verify", str(project), cwd=tmp_path)
    assert "install  reused" in third.stdout
    leftovers = [p.name for p in cache.glob("*/*") if not p.name.endswith(".lock")]
    assert len(leftovers) == 1, leftovers


def test_what_the_time_budget_leaves_out_is_reported_and_fails(tmp_path):
    routes = [arg for n in range(8) for arg in ("-r", f"GET /r{n}")]
    project = render(tmp_path, "express", "-m", "rate-limit", "--set", "rate-limit.max=1", *routes)
    result = run_dualgen("verify", str(project), "--budget", "1", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not checked: the time budget of 1 s ran out" in result.stdout
    assert "verify ran out of its 1 s budget:" in result.stderr
    assert "give --budget more seconds" in result.stderr
