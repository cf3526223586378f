"""Part 9 (issue 25): `dualgen ui`, the preview after a change and the page's own assets.

    python -m benchmarks.ui_bench [--changes N] [--no-write] [--screenshots DIR] [--baseline DIR]
    python -m benchmarks.ui_bench --changes 0 --screenshots docs   # README's screenshots only

Starts `dualgen ui --port 0 --no-browser` as a user does, then for every preset asks `GET
/api/preview` N times with a query never asked before (the project name changes, so both trees
render afresh: the slowest change there is), the presets interleaved, each time from the request to
the last byte of the answer over 127.0.0.1; then the same queries once more (kept trees: going back
to a state). Also the bytes of the page's own assets (the HTML, its entry ES module, the modules it
imports and its CSS, uncompressed) and of one preview's JSON. Writes (or replaces) its section of
benchmarks/results.md unless --no-write; with --screenshots, saves the page in light and dark
(Debian's Chromium through Playwright) as PNG files there. With --baseline DIR (another checkout of
dualgen, e.g. `git worktree add /tmp/base main`), a second server runs from DIR and every fresh
query is asked of both, back to back in alternating order: a before/after ratio under the same
load.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

from benchmarks._common import ROOT, Section, Target, log
from benchmarks.machine import machine
from benchmarks.report import section_text, splice, status

RESULTS = Path(__file__).resolve().parent / "results.md"
TITLE = "9. `dualgen ui`: preview after a change, and the page's weight"
PRESETS = ("default", "classic", "api", "production")
GOAL_MS = 150
GOAL_BYTES = 200 * 1024


def start(root: Path = ROOT) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "ui", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=root,
    )
    url = process.stdout.readline().strip()
    return process, url


def fetch(url: str, accept: str = "application/json") -> tuple[float, int]:
    """Seconds from the request to the last byte, and the bytes."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = answer.read()
    return time.perf_counter() - started, len(body)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure(
    base: str, changes: int, baseline: str | None = None
) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {
        p: {"fresh": [], "kept": [], "bytes": [], "baseline": [], "paired": []} for p in PRESETS
    }
    queries = {
        p: [("" if p == "default" else f"preset={p}&") + f"name=bench{n}" for n in range(changes)]
        for p in PRESETS
    }
    for server in (base, baseline):
        if server is not None:
            fetch(f"{server}/api/preview?name=warm-up")
    # The server keeps 256 trees, two a query: the kept pass asks the last 30 of each preset.
    for kind, numbers in (
        ("fresh", range(changes)),
        ("kept", range(max(0, changes - 30), changes)),
    ):
        for n in numbers:
            for preset in PRESETS:
                url = f"/api/preview?{queries[preset][n]}"
                if kind == "fresh" and baseline is not None and n % 2:
                    times[preset]["baseline"].append(fetch(baseline + url)[0] * 1000)
                seconds, size = fetch(base + url)
                times[preset][kind].append(seconds * 1000)
                times[preset]["bytes"].append(size)
                if kind == "fresh" and baseline is not None and not n % 2:
                    times[preset]["baseline"].append(fetch(baseline + url)[0] * 1000)
                if kind == "fresh" and baseline is not None:
                    times[preset]["paired"].append(
                        times[preset]["fresh"][-1] / times[preset]["baseline"][-1]
                    )
    return times


def assets(base: str) -> list[tuple[str, int]]:
    from generator.ui.views import modules

    return [
        ("page HTML (GET /)", fetch(f"{base}/", accept="text/html")[1]),
        ("ui.js (the entry ES module)", fetch(f"{base}/static/ui.js")[1]),
        *((name, fetch(f"{base}/static/{name}")[1]) for name in modules()),
        ("ui.css", fetch(f"{base}/static/ui.css")[1]),
    ]


def section(times, sizes, changes: int, baseline: str = "") -> Section:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cpu, _memory, system = (value for _, value in machine())
    rows, targets = [], []
    for preset in PRESETS:
        fresh, kept = times[preset]["fresh"], times[preset]["kept"]
        p95 = percentile(fresh, 0.95)
        rows.append(
            [
                preset,
                f"{percentile(fresh, 0.5):.0f}",
                f"{p95:.0f}",
                f"{max(fresh):.0f}",
                f"{percentile(kept, 0.5):.0f}",
                f"{percentile(kept, 0.95):.0f}",
                f"{max(times[preset]['bytes']) / 1024:.0f}",
            ]
        )
        targets.append(
            Target(
                f"ui preview after a change, p95, {preset}",
                f"{p95:.0f} ms",
                f"≤ {GOAL_MS} ms",
                p95 <= GOAL_MS,
            )
        )
    compared = [
        [
            preset,
            f"{percentile(times[preset]['fresh'], 0.5):.0f}",
            f"{percentile(times[preset]['fresh'], 0.95):.0f}",
            f"{percentile(times[preset]['baseline'], 0.5):.0f}",
            f"{percentile(times[preset]['baseline'], 0.95):.0f}",
            f"{percentile(times[preset]['paired'], 0.5):.2f}×",
        ]
        for preset in PRESETS
        if times[preset]["baseline"]
    ]
    total = sum(size for _, size in sizes)
    targets.append(
        Target("ui page's own assets", f"{total / 1024:.1f} KB", "≤ 200 KB", total <= GOAL_BYTES)
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return Section(
        TITLE,
        f"Measured {when} on {cpu}, {system}, with `python -m benchmarks.ui_bench --changes "
        f"{changes}{' --baseline DIR' if baseline else ''}`. `dualgen ui --port 0 --no-browser` "
        "runs as a user starts it; each preset "
        f"is asked `GET /api/preview` {changes} times with a query never asked before (the "
        "project name changes, so both trees render afresh: the slowest change there is), the "
        "presets interleaved, timed from the request to the last byte over 127.0.0.1 "
        "(urllib, one connection a request); then the same queries again, whose trees the "
        "server kept (going back to an earlier state; the last 30 of each preset). "
        "Milliseconds; the JSON holds every file of both trees, highlighted. Load average "
        f"after the run: {load}.",
        tables=[
            (
                [
                    "preset",
                    "fresh p50",
                    "fresh p95",
                    "fresh max",
                    "kept p50",
                    "kept p95",
                    "JSON KB",
                ],
                rows,
            ),
            *(
                [
                    (
                        [
                            "preset",
                            "this p50",
                            "this p95",
                            "baseline p50",
                            "baseline p95",
                            "this / baseline (median per query)",
                        ],
                        compared,
                    )
                ]
                if compared
                else []
            ),
            (
                ["asset", "bytes"],
                [[name, f"{size:,}"] for name, size in sizes] + [["total", f"{total:,}"]],
            ),
            (
                ["target", "measured", "goal", "status"],
                [[t.name, t.measured, t.goal, status(t)] for t in targets],
            ),
        ],
        notes=[
            "Assets are counted uncompressed, as served (no bundler, no minifier, no font, no "
            "request beyond these files and the API).",
            *(
                [
                    f"Baseline: a second `dualgen ui` from {baseline} (`--baseline`), asked every "
                    "fresh query right before or after this one (alternating): the same load on "
                    "both."
                ]
                if compared
                else []
            ),
        ],
        targets=targets,
    )


#: The README's screenshots: the api preset, rate limiting, a resource (the route editor's
#: "resource (CRUD)") and its Flask module open in the preview.
SHOWN = (
    "&preset=api&middleware=rate-limit&route=resource+/items+name:str+price:float+in_stock:bool%3F"
    "#flask:hello/items.py:1"
)


def screenshots(url: str, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for scheme in ("light", "dark"):
            page = browser.new_page(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
            page.goto(url + SHOWN)
            page.wait_for_selector("body[data-ready=true]")
            # The filter keeps the route editor, with its resource, beside the preview.
            page.get_by_role("searchbox", name="Filter choices").fill("crud")
            page.screenshot(path=folder / f"ui-{scheme}.png")
            page.close()
        browser.close()


def git_label(folder: Path | None) -> str:
    """`DIR (commit abc1234)` for a baseline checkout."""
    if folder is None:
        return ""
    commit = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"a checkout at commit {commit}" if commit else str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=40, help="fresh queries per preset")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch results.md")
    parser.add_argument(
        "--screenshots", type=Path, metavar="DIR", help="save ui-light.png, ui-dark.png"
    )
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR", help="another checkout to compare with"
    )
    args = parser.parse_args()
    process, url = start()
    base = url.split("/?")[0]
    other = None if args.baseline is None else start(args.baseline.resolve())
    try:
        log(f"dualgen ui at {base}")
        baseline = None if other is None else other[1].split("/?")[0]
        times = measure(base, args.changes, baseline) if args.changes else None
        sizes = assets(base)
        if args.screenshots:
            screenshots(url, args.screenshots)
    finally:
        for running in (process, *(() if other is None else (other[0],))):
            running.send_signal(signal.SIGINT)
            running.wait(timeout=30)
    if times is None:  # --changes 0: the assets' bytes (and the screenshots), nothing timed
        print("\n".join(f"{name}: {size:,} bytes" for name, size in sizes))
        return
    text = section_text(section(times, sizes, args.changes, git_label(args.baseline)))
    print(text)
    if not args.no_write:
        splice(RESULTS, TITLE, text)


if __name__ == "__main__":
    main()
