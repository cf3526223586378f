"""Part 13 (issue 25): Jinja code compiled once per process, against compiling it afresh.

    python -m benchmarks.compile_bench [--rounds N] [--no-write]

generator.render keeps the code Jinja compiles (render.COMPILED: the template files, and every
template string cookiecutter renders: file and folder names, cookiecutter.json's values, the
hook). The baseline is what cookiecutter does without it, a fresh environment compiling
everything again: the same render_tree with COMPILED emptied right before it. Both run in this
process, interleaved in every round (the order alternating), each on a spec never rendered
before (the project name changes, as when a user types in the page). Two measurements:

- one project, `render_tree` (every preset, both frameworks);
- one preview of the page, `generator.ui.preview.preview` (both trees rendered, read, highlighted
  and compared: the work behind `GET /api/preview` after a change, without HTTP).

Prints the medians, p95 and the paired ratio kept / fresh, and writes (or replaces) its section
of benchmarks/results.md unless --no-write.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from benchmarks._common import FRAMEWORKS, Section, log, median, paired_ratio, spread
from benchmarks.machine import machine
from benchmarks.report import section_text, splice

RESULTS = Path(__file__).resolve().parent / "results.md"
TITLE = "13. Jinja code compiled once per process (issue 25: render and the ui's preview)"
PRESETS = ("default", "classic", "api", "production")


def answers(preset: str, n: int) -> dict[str, object]:
    return {"name": f"bench {n}"} | ({} if preset == "default" else {"preset": preset})


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: a measured value, at or above the share of them."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def timed(work: Callable[[], object], fresh: bool) -> float:
    """Milliseconds of work; with fresh, on an empty COMPILED (the kept code is put back after,
    so that a fresh run never leaves the next kept run less to reuse)."""
    from generator.render import COMPILED

    kept = COMPILED.codes.copy()
    if fresh:
        COMPILED.clear()
    started = time.perf_counter()
    work()
    elapsed = (time.perf_counter() - started) * 1000
    if fresh:
        COMPILED.clear()
        COMPILED.codes.update(kept)
    return elapsed


def measure(rounds: int) -> dict[str, dict[str, list[float]]]:
    """{case: {"kept": [...], "fresh": [...]}}, paired by position."""
    from generator import spec as specs
    from generator.render import render_tree
    from generator.ui import preview

    times: dict[str, dict[str, list[float]]] = {}
    n = 0

    def one(case: str, work_for: Callable[[], Callable[[], object]], order: int) -> None:
        pair = times.setdefault(case, {"kept": [], "fresh": []})
        for way in ("kept", "fresh") if order % 2 == 0 else ("fresh", "kept"):
            pair[way].append(timed(work_for(), fresh=way == "fresh"))

    with tempfile.TemporaryDirectory(prefix="dualgen-compile-bench-") as tmp:
        for warm in (True, False):
            for round_ in range(1 if warm else rounds):
                for preset in PRESETS:
                    for framework in FRAMEWORKS:

                        def render(preset: str = preset, framework: str = framework) -> Callable:
                            nonlocal n
                            n += 1
                            spec = specs.build(answers(preset, n))
                            into = Path(tmp) / str(n)
                            return lambda: render_tree(spec, framework, into)

                        one(f"render_tree, {framework}, {preset}", render, round_)

                    def page(preset: str = preset) -> Callable:
                        nonlocal n
                        n += 1
                        spec = specs.build(answers(preset, n))
                        return lambda: preview.preview(spec)

                    one(f"preview (both trees), {preset}", page, round_)
            if warm:
                times.clear()  # the first round only imports and fills the caches
    return times


def section(times: dict[str, dict[str, list[float]]], rounds: int) -> Section:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu, _memory, system = (value for _, value in machine())
    rows = []
    for case, pair in times.items():
        kept, fresh = pair["kept"], pair["fresh"]
        rows.append(
            [
                case,
                f"{median(kept):.1f}",
                f"{percentile(kept, 0.95):.1f}",
                f"{median(fresh):.1f}",
                f"{percentile(fresh, 0.95):.1f}",
                f"{paired_ratio(kept, fresh):.2f}×",
            ]
        )
    previews = [pair for case, pair in times.items() if case.startswith("preview")]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return Section(
        TITLE,
        f"Measured {when} on {cpu}, {system}, with `python -m benchmarks.compile_bench "
        f"--rounds {rounds}`. generator.render keeps the Jinja code it compiles "
        "(render.COMPILED): the template files, and every template string cookiecutter "
        "renders (each file and folder name, each cookiecutter.json value, the hook). The "
        "baseline, `fresh`, is what cookiecutter does without it: a fresh environment that "
        "compiles everything again, measured as the same call with COMPILED emptied right "
        "before it. Both run in one process, back to back in every round (the order "
        "alternating), each on a spec never rendered before (the project name changes); one "
        "dropped warm-up round. Milliseconds; the ratio is the median of the per-round "
        f"ratios kept / fresh. Load average after the run: {load}.",
        tables=[
            (["case", "kept p50", "kept p95", "fresh p50", "fresh p95", "kept / fresh"], rows),
        ],
        notes=[
            "Before this cache, render.py shared only a bytecode cache keyed by a file's name, "
            "so Flask's and Express's README.md, readme-choices.md.j2, Dockerfile, .gitignore "
            "and .dockerignore pushed each other out and were compiled again in every render, "
            "and every template string was compiled every time.",
            f"Spread of the preview rows (kept, all presets): "
            f"{spread([v for pair in previews for v in pair['kept']])} ms.",
            "tests/unit/test_render_shared_code.py checks the output byte for byte against "
            "cookiecutter's own API (a fresh environment per project); nothing is timed there.",
            "The goal (a preview after a change ≤ 150 ms at p95, over HTTP) is judged in part 9.",
        ],
        commands=["python -m benchmarks.compile_bench --rounds " + str(rounds)],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="measured rounds")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results.md")
    args = parser.parse_args()
    log("compile_bench: render_tree and preview, kept code vs compiled afresh")
    text = section_text(section(measure(args.rounds), args.rounds))
    print(text)
    if not args.no_write:
        splice(RESULTS, TITLE, text)


if __name__ == "__main__":
    main()
