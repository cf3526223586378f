"""`dualgen parity` as a user runs it: every tested choice set with a fixed seed, and the tester
tested, a difference planted in one rendered project for each kind it must report.

The CI cost is bounded by the few requests each run sends (PARITY_REQUESTS); run it locally
with more, and with random seeds, to search wider.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator import catalog, runner, spec
from generator.render import render
from tests.combos import ALL_COMBOS
from tests.helpers import ROOT, require_tools, run_dualgen

#: Requests per choice set in CI: enough for every request kind to come up a few times.
REQUESTS = int(os.environ.get("PARITY_REQUESTS", "150"))
SEED = os.environ.get("PARITY_SEED", "20261126")


#: With events, the streams of GET /events are compared too (generator/parity/streams.py),
#: unless the rate limit is below the scenario's requests.
NO_STREAMS = {"steps": 0, "skipped": None, "differences": []}
STREAMS = {
    "one-file-everything": {"steps": 5, "skipped": None, "differences": []},
    "streams": {
        "steps": 0,
        "skipped": "the scenario sends 40 requests; the rate limit allows 5",
        "differences": [],
    },
}


def parity(*args: str, cwd: Path) -> tuple[int, dict, str]:
    result = run_dualgen("parity", "--seed", SEED, "--format", "json", *args, cwd=cwd)
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, result.stderr


def answers_file(tmp_path: Path, answers: dict) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("combo", [c for c in ALL_COMBOS if c != "classic"])
def test_every_choice_set_answers_alike(combo, tmp_path):
    answers = answers_file(tmp_path, ALL_COMBOS[combo])
    code, report, stderr = parity("--answers", str(answers), "-n", str(REQUESTS), cwd=tmp_path)
    assert f"seed {SEED}" in stderr, "every run prints its seed"
    undeclared = [d for d in report.get("differences", []) if d["declared"] is None]
    assert (code, undeclared) == (0, []), stderr[-2000:]
    # Without strict parity most answers differ only in declared ways (Server, ETag).
    assert report["sent"] >= REQUESTS and report["identical"] + report["declared_only"] > 0
    assert [path.name for path in tmp_path.iterdir()] == ["answers.yaml"], "nothing written"
    assert report["streams"] == STREAMS.get(combo, NO_STREAMS)


@pytest.mark.parametrize("preset", [p for p in catalog.PRESETS if p != "classic"])
def test_with_strict_parity_only_the_unavoidable_few_differences_stay(preset, tmp_path):
    answers = answers_file(tmp_path, {"preset": preset, "strict-parity": True})
    code, report, stderr = parity("--answers", str(answers), "-n", str(REQUESTS), cwd=tmp_path)
    undeclared = [d for d in report.get("differences", []) if d["declared"] is None]
    assert (code, undeclared) == (0, []), stderr[-2000:]
    assert report["identical"] > 0


@pytest.mark.parametrize(
    "combo",
    [c for c, a in ALL_COMBOS.items() if "production-server" in spec.build(a).switches],
)
def test_production_servers_answer_alike(combo, tmp_path):
    answers = answers_file(tmp_path, ALL_COMBOS[combo])
    code, report, stderr = parity(
        "--answers", str(answers), "--production", "-n", str(REQUESTS // 2), cwd=tmp_path
    )
    undeclared = [d for d in report.get("differences", []) if d["declared"] is None]
    assert (code, undeclared) == (0, []), stderr[-2000:]


def test_classic_projects_differ_as_the_article_shows(tmp_path):
    """The article's two programs are kept as written: parity lists how they differ."""
    code, report, _ = parity("--preset", "classic", "-n", "60", cwd=tmp_path)
    signatures = {d["signature"] for d in report["differences"]}
    assert code == 1
    assert {"status: Flask 405, Express 404", "header Server: only Flask sends it"} <= signatures
    assert all(d["declared"] is None for d in report["differences"])


# -- the tester tested: plant a difference, parity must report it, shrunk, with a curl line --


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> tuple[Path, Path]:
    """The api preset with strict parity (so that few differences are declared), rendered once;
    each test plants its difference in a copy."""
    root = tmp_path_factory.mktemp("planted")
    built = spec.build({"preset": "api", "strict-parity": True})
    flask, express = render(built, catalog.FRAMEWORKS, root)
    return flask, express


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("planted-limited")
    built = spec.build(
        {
            "middleware": ["rate-limit"],
            "settings": {"rate-limit": {"max": 3}},
            "strict-parity": True,
        }
    )
    flask, express = render(built, catalog.FRAMEWORKS, root)
    return flask, express


def plant(pair: tuple[Path, Path], tmp_path: Path, framework: str, file: str, old: str, new: str):
    """Copies of both projects, with `old` replaced by `new` in one file of one of them."""
    copies = []
    for project in pair:
        copy = tmp_path / project.name
        shutil.copytree(project, copy)
        copies.append(copy)
    target = copies[0 if framework == "flask" else 1] / file
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{file} no longer holds {old!r}: update the plant"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return copies


def reproduce(project: Path, command: str, framework: str) -> str:
    """Run a report's curl lines against a fresh server of the project; return what the last
    one printed (status line and headers)."""
    require_tools("curl", "sh")
    default = f"http://127.0.0.1:{catalog.DEFAULT_PORTS[framework]}"
    with runner.serve(project) as server:
        script = command.replace(default, server.url.rstrip("/"))
        result = subprocess.run(
            ["sh", "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
        )
    assert result.returncode == 0, result.stderr
    return result.stdout


PLANTS = [
    pytest.param(
        "express",
        "routes/index.js",
        "res.json([{ id: 1, name: 'Example' }]);",
        "res.status(202).json([{ id: 1, name: 'Example' }]);",
        "status: Flask 200, Express 202",
        "GET /api/items",
        ("HTTP/1.1 200", "HTTP/1.1 202"),
        id="status",
    ),
    pytest.param(
        "flask",
        "hello/routes.py",
        "'name': 'Example'",
        "'name': 'Sample'",
        "body of a 200 answer",
        "GET /api/items",
        ("HTTP/1.1 200", "HTTP/1.1 200"),
        id="body",
    ),
    pytest.param(
        "express",
        "app.js",
        "app.set('etag', false);",
        "app.set('etag', true);",
        "header ETag: only Express sends it",
        "GET /",
        ("HTTP/1.1 200", "ETag: W/"),
        id="header",
    ),
    pytest.param(
        "flask",
        "hello/routes.py",
        "return 'Hello, World!'",
        "return 'Hello, World!', 200, {'Content-Type': 'text/plain'}",
        "Content-Type: Flask text/plain, Express text/html; charset=utf-8",
        "GET /",
        ("Content-Type: text/plain", "Content-Type: text/html; charset=utf-8"),
        id="content-type",
    ),
]


@pytest.mark.parametrize(
    ("framework", "file", "old", "new", "signature", "minimal", "printed"), PLANTS
)
def test_a_planted_difference_is_reported_shrunk_with_working_curl_lines(
    api, tmp_path, framework, file, old, new, signature, minimal, printed
):
    flask, express = plant(api, tmp_path, framework, file, old, new)
    code, report, stderr = parity(str(flask), str(express), "-n", "300", cwd=tmp_path)
    found = {d["signature"]: d for d in report["differences"]}
    assert code == 1, stderr[-2000:]
    assert signature in found, sorted(found)
    difference = found[signature]
    assert difference["declared"] is None and difference["confirmed"]
    shrunk = [(r["method"], r["path"], r["headers"], r.get("body")) for r in difference["requests"]]
    assert shrunk == [(*minimal.split(), [], None)], "shrunk to the plain request"
    for name, project, line in (("flask", flask, printed[0]), ("express", express, printed[1])):
        assert line in reproduce(project, difference["curl"][name], name)


def test_a_planted_counting_difference_is_reported_as_a_short_sequence(limited, tmp_path):
    """Express stops counting failed requests: after one, the next request of the same client
    has another X-RateLimit-Remaining."""
    flask, express = plant(
        limited,
        tmp_path,
        "express",
        "app.js",
        "legacyHeaders: true,",
        "legacyHeaders: true,\n    skipFailedRequests: true,",
    )
    code, report, stderr = parity(str(flask), str(express), "-n", "300", cwd=tmp_path)
    counting = [d for d in report["differences"] if d["kind"] == "counting"]
    assert code == 1 and counting, stderr[-2000:]
    difference = counting[0]
    requests = difference["requests"]
    assert sum(r["repeat"] for r in requests) == 2, "shrunk to two requests"
    assert all(r["headers"] == [] and "body" not in r for r in requests), requests
    remaining = {a["name"]: a for a in difference["aspects"]}["X-RateLimit-Remaining"]
    assert (remaining["flask"], remaining["express"]) == ("1", "2")
    for name, project, value in (("flask", flask, "1"), ("express", express, "2")):
        printed = reproduce(project, difference["curl"][name], name)
        assert f"X-RateLimit-Remaining: {value}" in printed


def test_a_seed_replays_the_same_minimal_example(api, tmp_path):
    flask, express = plant(api, tmp_path, *PLANTS[0].values[:4])
    reports = [parity(str(flask), str(express), "-n", "200", cwd=tmp_path)[1] for _ in range(2)]
    first, second = ({d["signature"]: d["requests"] for d in r["differences"]} for r in reports)
    assert first == second and first


def test_the_time_limit_ends_a_run_that_would_go_on(tmp_path):
    code, report, stderr = parity("-n", "10000000", "--time-limit", "2", cwd=tmp_path)
    assert code == 0, stderr[-2000:]
    assert report["out_of_time"] and 0 < report["sent"] < 10_000_000


def test_a_signal_stops_the_run_and_both_servers(tmp_path):
    import re
    import signal
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "parity", "-n", "10000000", "--seed", SEED],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if " on http://" in line:
            break
    ports = [int(port) for port in re.findall(r":(\d+)/", lines[-1])]
    time.sleep(1)
    process.send_signal(signal.SIGTERM)
    rest = process.stderr.read()
    code = process.wait(timeout=30)
    process.stderr.close()
    assert code == 128 + signal.SIGTERM
    assert rest.splitlines()[-1] == "dualgen: stopped by SIGTERM"
    assert len(ports) == 2 and not any(runner.port_in_use(port) for port in ports)


#: Code that stops a server at its 30th request, as a crash would (issue 27, low: a server that
#: died mid-run crashed parity with an exception group, or gave a report of its silence).
STOPS = {
    "flask": (
        "app.py",
        "app.url_map.merge_slashes = False\n",
        "app.url_map.merge_slashes = False\n\n\n@app.before_request\ndef crash_at_30():\n"
        "    crash_at_30.seen = getattr(crash_at_30, 'seen', 0) + 1\n"
        "    if crash_at_30.seen == 30:\n        __import__('os')._exit(3)\n",
    ),
    "express": (
        "app.js",
        "app.disable('x-powered-by');\n",
        "app.disable('x-powered-by');\nlet seen = 0;\napp.use((req, res, next) => {\n"
        "  seen += 1;\n  if (seen === 30) process.exit(3);\n  next();\n});\n",
    ),
}


@pytest.mark.parametrize(
    ("framework", "pair"),
    [("flask", "limited"), ("express", "api")],
    ids=["flask-in-sequence", "express-in-parallel"],
)
def test_a_server_that_stops_mid_run_ends_it_with_one_error_and_no_report(
    framework, pair, request, tmp_path
):
    flask, express = plant(request.getfixturevalue(pair), tmp_path, framework, *STOPS[framework])
    code, report, stderr = parity(str(flask), str(express), "-n", "2000", cwd=tmp_path)
    assert (code, report) == (1, {}), stderr[-3000:]
    assert "Traceback" not in stderr and "Group" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("dualgen: error: ")]
    assert len(errors) == 1, stderr[-3000:]
    assert errors[0].startswith(f"dualgen: error: the {framework} server stopped during the run (")
    assert errors[0].endswith(
        "requests to each server; what came after is not its code's answer, so nothing is "
        "reported. Its output:"
    )
    sent = int(errors[0].split(") after ", 1)[1].split(" ", 1)[0])
    assert 29 <= sent <= 60, errors[0]  # it stopped at once, not after the 2000 requested
