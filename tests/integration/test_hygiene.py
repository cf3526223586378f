"""Nothing half-done reaches the user: overlapping runs never merge, and a signal at any moment
leaves each destination as it was or complete, with no scratch folder, claim or process behind.

These run `dualgen new` as separate processes, as users (and their scripts) do.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import run_dualgen

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="sends POSIX signals and uses process groups"
)

BOTH = ("hello-express", "hello-flask")


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under folder: file bytes, symlink targets and folders, by relative path."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            entries[name] = f"-> {os.readlink(path)}"
        elif path.is_dir():
            entries[name] = "<dir>"
        else:
            entries[name] = path.read_bytes()
    return entries


def start(*args: str, cwd: Path) -> subprocess.Popen:
    """Start `dualgen ARGS` in its own process group, so that no process of it can hide."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def assert_group_gone(process: subprocess.Popen) -> None:
    """Nothing of the run is alive: its process group is empty once it has exited."""
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)


@dataclass
class Clean:
    """What runs that nobody disturbs write: fresh, and with --force over a user's project."""

    fresh: dict[str, bytes | str]
    before: dict[str, bytes | str]
    forced: dict[str, bytes | str]
    earlier: Path

    def user_project(self, folder: Path) -> None:
        """An earlier classic project with a file of the user's own, for --force to merge into."""
        shutil.copytree(self.earlier, folder, symlinks=True)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Clean:
    root = tmp_path_factory.mktemp("clean")
    fresh = run_dualgen("new", "both", "--no-input", "-o", str(root / "fresh"), cwd=root)
    assert fresh.returncode == 0, fresh.stderr
    earlier = ("new", "both", "--preset", "classic", "--no-input", "-o", str(root / "before"))
    assert run_dualgen(*earlier, cwd=root).returncode == 0
    for name in BOTH:
        (root / "before" / name / "notes.md").write_text("mine\n")
    shutil.copytree(root / "before", root / "forced", symlinks=True)
    forced = run_dualgen(
        "new", "both", "--no-input", "--force", "-o", str(root / "forced"), cwd=root
    )
    assert forced.returncode == 0, forced.stderr
    return Clean(
        snapshot(root / "fresh"),
        snapshot(root / "before"),
        snapshot(root / "forced"),
        root / "before",
    )


# --- item 4: overlapping runs ------------------------------------------------------------------

PAIRS = 8


@pytest.mark.parametrize(
    "force",
    [pytest.param(False, id="new"), pytest.param(True, id="force-fresh")],
)
def test_two_runs_at_once_never_merge(force, clean, tmp_path):
    """Both runs start together into one -o: exactly one writes (without --force), the other
    exits 2 with one line; the result is a single clean render; never a traceback."""
    flags = ["--force"] if force else []
    for attempt in range(PAIRS):
        out = tmp_path / f"pair-{attempt}"
        pair = [
            start("new", "both", "--no-input", *flags, "-o", str(out), cwd=tmp_path) for _ in "ab"
        ]
        results = [(*p.communicate(timeout=60), p.returncode) for p in pair]
        codes = sorted(code for _, _, code in results)
        for _, err, code in results:
            assert "Traceback" not in err, err
            if code == 2:
                assert err.count("\n") == 1 and err.startswith("dualgen: error: "), err
                assert "already exists" in err or "another dualgen run" in err, err
        if force:
            assert codes in ([0, 0], [0, 2]), results
        else:
            assert codes == [0, 2], results
        assert snapshot(out) == clean.fresh, f"pair {attempt}: {results}"


def test_two_forced_runs_over_a_project_merge_once(clean, tmp_path):
    for attempt in range(PAIRS):
        out = tmp_path / f"pair-{attempt}"
        clean.user_project(out)
        args = ("new", "both", "--no-input", "--force", "-o", str(out))
        pair = [start(*args, cwd=tmp_path) for _ in "ab"]
        results = [(*p.communicate(timeout=60), p.returncode) for p in pair]
        for _, err, code in results:
            assert "Traceback" not in err, err
            assert code in (0, 2), results
            if code == 2:
                assert err.count("\n") == 1 and "another dualgen run" in err, err
        assert 0 in [code for _, _, code in results], results
        assert snapshot(out) == clean.forced, f"pair {attempt}: {results}"


HOLD_CLAIM = """
import sys
from pathlib import Path
from generator import files

out = Path(sys.argv[1])
with files.Claim([out / "hello-express", out / "hello-flask"]):
    print("claimed", flush=True)
    sys.stdin.readline()
"""


def test_a_live_claim_refuses_and_a_dead_one_is_taken_over(clean, tmp_path):
    """A run holding the destination makes another exit 2; a claim whose process died (SIGKILL
    gives it no chance to clean up) is recognised as stale and replaced."""
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_CLAIM, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "claimed\n"
    refused = run_dualgen("new", "both", "--no-input", "-o", str(out), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert f"another dualgen run (process {holder.pid}) is writing" in refused.stderr
    holder.kill()
    holder.communicate()
    assert any(path.name.startswith(".dualgen-") for path in out.iterdir())
    taken = run_dualgen("new", "both", "--no-input", "-o", str(out), cwd=tmp_path)
    assert taken.returncode == 0, taken.stderr
    assert snapshot(out) == clean.fresh


# --- item 9: signals during `new` -------------------------------------------------------------

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
RUNS_PER_SIGNAL = 12
WORKERS = 3


def test_a_signal_at_any_moment_leaves_nothing_half_done(clean, tmp_path):
    """SIGINT, SIGTERM or SIGHUP at a random moment of `new both`, fresh or --force over a
    user's project: each destination is as it was or complete, nothing else is left, no process
    survives. The seed is printed; DUALGEN_SIGNAL_SEED replays a run."""
    seed = int(os.environ.get("DUALGEN_SIGNAL_SEED", random.randrange(2**32)))
    print(f"signal test seed: {seed} (DUALGEN_SIGNAL_SEED={seed} replays it)")
    rng = random.Random(seed)

    def undisturbed(n: int) -> float:
        """One run left alone, under the same load as the test: how long a run takes."""
        started = time.perf_counter()
        result = run_dualgen(
            "new", "both", "--no-input", "-o", str(tmp_path / f"t{n}"), cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        assert snapshot(tmp_path / f"t{n}") == clean.fresh
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        span = 1.5 * max(pool.map(undisturbed, range(WORKERS)))
    # Half the signals come at any moment from the start; half once the run has claimed its
    # destinations, while it renders and moves the projects into place.
    plan = [
        (n, sig, rng.choice(["fresh", "forced"]), rng.choice(["start", "claim"]), rng.random())
        for n, sig in enumerate(SIGNALS * RUNS_PER_SIGNAL)
    ]

    def one(run: tuple[int, signal.Signals, str, str, float]) -> tuple[str, str]:
        n, sig, kind, since, fraction = run
        root = tmp_path / f"run-{n}"
        root.mkdir()
        out = root / "out" / "nested"
        args = ["new", "both", "--no-input", "-o", str(out)]
        if kind == "forced":
            clean.user_project(out)
            args.append("--force")
        process = start(*args, cwd=root)
        delay = fraction * span
        if since == "claim":
            delay /= 3
            while process.poll() is None and not any(
                path.name.endswith(".claim") for path in (out.iterdir() if out.is_dir() else [])
            ):
                time.sleep(0.001)
        time.sleep(delay)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        code = process.returncode
        where = f"run {n}: {sig.name} {delay:.3f} s after {since}, {kind}, exit {code}: {err!r}"
        assert_group_gone(process)
        if code == 0:
            how = "finished first"
        elif code == 128 + sig:
            how = "stopped by dualgen"
        else:
            # The signal came before main() set up its handlers, while Python started or
            # imported modules (or after they were removed): Python's own default action.
            assert code == -sig or err.startswith("Fatal Python error"), where
            how = "stopped before dualgen's handlers were set"
        if how != "stopped before dualgen's handlers were set":
            assert "Traceback" not in err, where
        if kind == "fresh" and not (root / "out").exists():
            return "left as before", how
        assert sorted(path.name for path in out.iterdir()) == list(BOTH), where
        after = snapshot(out)
        if kind == "fresh":
            assert after == clean.fresh, where
            return "complete", how
        assert after in (clean.before, clean.forced), where
        return ("left as before" if after == clean.before else "complete"), how

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(one, plan))
    counts = Counter(state for pair in outcomes for state in pair)
    print(f"{len(plan)} runs: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    shutil.rmtree(tmp_path, ignore_errors=True)
