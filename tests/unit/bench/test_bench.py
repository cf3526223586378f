"""dualgen bench without servers: bad input, wrk's output read back, conclusions drawn from the
figures (fixed ones here, so each sentence and verdict can be checked)."""

from __future__ import annotations

import json

import pytest

from generator import bench
from generator.bench import Bench, Run, page, report
from tests.helpers import run_main

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:5000/bench/delay
  2 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   102.45ms   10.02ms 1.20s    90.00%
    Req/Sec   480.00     20.00   500.00     80.00%
  Latency Distribution
     50%  101.50ms
     75%  104.00ms
     90%  110.00ms
     99%    1.20s
  960 requests in 1.00s, 150.00KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:    958.50
Transfer/sec:    149.77KB
"""


def test_wrk_output_is_read_with_its_units():
    assert bench.parse_wrk(WRK_OUTPUT) == (958.5, 101.5, 1200.0, 9, 960)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--concurrency", "1,x"],
            "--concurrency '1,x' must be a comma-separated list of whole numbers from 1 to 1000, "
            "e.g. 1,10,100",
            id="not-a-number",
        ),
        pytest.param(
            ["--concurrency", "0"],
            "--concurrency '0' must be a comma-separated list of whole numbers from 1 to 1000, "
            "e.g. 1,10,100",
            id="zero",
        ),
        pytest.param(
            ["--concurrency", "1,,10"],
            "--concurrency '1,,10' must be a comma-separated list of whole numbers from 1 to "
            "1000, e.g. 1,10,100",
            id="empty-item",
        ),
        pytest.param(
            ["--duration", "-1"], "--duration -1 must be whole seconds from 1 to 300", id="negative"
        ),
        pytest.param(
            ["--duration", "0"], "--duration 0 must be whole seconds from 1 to 300", id="zero-s"
        ),
        pytest.param(
            ["--concurrency", "1,²"],
            "--concurrency '1,²' must be a comma-separated list of whole numbers from 1 to "
            "1000, e.g. 1,10,100",
            id="superscript",
        ),
        pytest.param(
            ["--servers", "flask-dev,iis"],
            "--servers 'flask-dev,iis': 'iis' is not one of flask-dev, gunicorn-sync, "
            "gunicorn-gthread, express, node-cluster",
            id="server",
        ),
        pytest.param(
            ["-r", "GET /x cpu=0"],
            "route cpu 0 for /x must be whole milliseconds from 1 to 10000",
            id="route",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, monkeypatch, tmp_path):
    (tmp_path / "wrk").write_text("#!/bin/sh\nexit 1\n")  # never reached: input is checked first
    (tmp_path / "wrk").chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    code, err = run_main("bench", *args)
    assert (code, err) == (2, f"dualgen: error: {message}\n")


def test_a_missing_wrk_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no wrk on it
    code, err = run_main("bench", "--duration", "1", "--concurrency", "1")
    assert (code, err) == (
        2,
        "dualgen: error: wrk is not installed; install it with: "
        "apt-get update && apt-get install -y wrk\n",
    )


def figures(rps: dict[tuple[str, str, int], float], concurrency=(1, 100)) -> Bench:
    """A bench result with the given req/s and made-up latencies."""
    result = Bench(1, concurrency, delay_ms=50, cpu_ms=10, machine={"date": "today", "cpus": 2})
    for setup in bench.SETUPS:
        result.setups.append({"key": setup.key, "workers": setup.workers})
    for (setup, kind, concurrency), value in rps.items():
        framework = "flask" if setup in report.FLASK else "express"
        result.runs.append(Run(setup, framework, kind, concurrency, value, 1.0, 2.0, 0, 10))
    return result


def test_conclusions_are_computed_from_the_figures():
    rps = {
        ("flask-dev", "delay", 1): 19,
        ("flask-dev", "delay", 100): 100,
        ("gunicorn-gthread", "delay", 100): 1260,
        ("express", "delay", 100): 1800,
        ("flask-dev", "cpu", 100): 40,
        ("gunicorn-gthread", "cpu", 100): 90,
        ("express", "cpu", 100): 95,
        ("node-cluster", "cpu", 100): 180,
    }
    found = report.conclusions(figures(rps))
    assert found["findings"][0] == (
        "I/O-bound (50 ms of waiting) at 100 connections: Express (one process) served "
        "18× Flask dev server, 1.4× gunicorn gthread (5 workers)."
    ).replace("5 workers", f"{bench.SETUPS[2].workers} workers")
    verdicts = {claim["claim"]: claim["verdict"] for claim in found["article"]}
    assert verdicts == {
        "Flask uses Python's synchronous model (WSGI synchronous)": "contradicts",
        "Flask: good for CPU-bound tasks": "contradicts",  # 90 against the cluster's 180
        "Express: good for I/O-bound tasks": "agrees",  # 1800 against 1260
        "Express excels in handling many simultaneous connections": "agrees",
    }
    # Turn the CPU figures round and the verdict follows them.
    rps[("gunicorn-gthread", "cpu", 100)] = 400
    found = report.conclusions(figures(rps))
    assert {c["claim"]: c["verdict"] for c in found["article"]}[
        "Flask: good for CPU-bound tasks"
    ] == "agrees"


def test_the_reports_hold_every_run():
    result = figures({("flask-dev", "plain", 1): 900.0, ("express", "plain", 1): 2000.0})
    text = report.render_text(result)
    assert text.splitlines()[0].split() == [
        "framework", "server", "route", "conns", "req/s", "p50", "ms", "p99", "ms", "errors"
    ]  # fmt: skip
    assert "Flask dev server" in text and "Express (one process)" in text
    data = json.loads(report.render_json(result))
    assert [(run["setup"], run["rps"]) for run in data["runs"]] == [
        ("flask-dev", 900.0),
        ("express", 2000.0),
    ]
    html = page.render_html(result)
    assert html.count("<svg") == 6 and "<script" not in html and "src=" not in html


def test_one_connection_is_said_in_the_singular():
    rps = {
        ("flask-dev", "delay", 1): 10,
        ("express", "delay", 1): 100,
        ("gunicorn-gthread", "cpu", 1): 90,
        ("express", "cpu", 1): 45,
    }
    found = report.conclusions(figures(rps, concurrency=(1,)))
    assert found["findings"][:2] == [
        "I/O-bound (50 ms of waiting) at 1 connection: Express (one process) served "
        "10× Flask dev server.",
        "CPU-bound (10 ms of CPU) at 1 connection: the best Flask server (gunicorn gthread, "
        "90 req/s) served 2.0× the best Express server (Express (one process), 45 req/s).",
    ]
    evidence = [claim["evidence"] for claim in found["article"]]
    assert evidence[0].startswith("CPU-bound at 1 connection, the best Flask server ")


def test_the_progress_line_says_connection_in_the_singular(monkeypatch, tmp_path):
    import contextlib
    from types import SimpleNamespace

    @contextlib.contextmanager
    def serve(project, **options):
        yield SimpleNamespace(url="http://127.0.0.1:1/")

    monkeypatch.setattr(bench.runner, "serve", serve)
    monkeypatch.setattr(bench, "_warm_up", lambda url: None)
    monkeypatch.setattr(bench, "run_wrk", lambda *args: (1.0, 1.0, 2.0, 0, 1))
    said = []
    result = Bench(1, (1, 10), delay_ms=50, cpu_ms=10, machine={})
    bench._bench_setup(result, bench.SETUPS[0], tmp_path, None, "wrk", said.append)
    assert said[:2] == [
        f"{bench.SETUPS[0].label}: {bench.KINDS[0]}, 1 connection, 1 s",
        f"{bench.SETUPS[0].label}: {bench.KINDS[0]}, 10 connections, 1 s",
    ]
