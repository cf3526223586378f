"""A short `dualgen bench` run (1 s a run, one concurrency): the report's structure for both
frameworks and every server setup, as text, JSON and HTML; never its numbers."""

from __future__ import annotations

import json

from tests.helpers import ROOT, require_tools, run_dualgen


def test_a_short_bench_reports_every_server_route_and_concurrency(tmp_path):
    require_tools("wrk")
    page = tmp_path / "bench.html"
    result = run_dualgen(
        "bench", "--concurrency", "4", "--duration", "1", "--repeat", "1", "--format", "json",
        "--html", str(page), cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    setups = ["flask-dev", "gunicorn-sync", "gunicorn-gthread", "express", "node-cluster"]
    assert [s["key"] for s in data["setups"]] == setups
    assert [(r["setup"], r["kind"], r["concurrency"]) for r in data["runs"]] == [
        (setup, kind, 4) for setup in setups for kind in ("plain", "delay", "cpu")
    ]
    assert {r["framework"] for r in data["runs"]} == {"flask", "express"}
    for run in data["runs"]:
        assert set(run) == {
            "setup", "framework", "kind", "concurrency", "rps", "p50_ms", "p99_ms", "errors",
            "requests", "samples",
        }  # fmt: skip
        assert run["samples"] == []  # one run: its figures are the run's
        assert run["requests"] > 0 and run["errors"] == 0, run
    assert data["machine"]["cpus"] and data["machine"]["date"]
    assert data["conclusions"]["findings"] and data["conclusions"]["article"]
    assert {c["verdict"] for c in data["conclusions"]["article"]} <= {
        "agrees",
        "contradicts",
        "about even",
        "cannot tell",
    }
    assert data["conclusions"]["caveats"][0].startswith("Each figure is one run of 1 s")
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 6 and "<script" not in html and "src=" not in html
    assert "gunicorn gthread" in html and "Node cluster" in html


def test_the_text_report_is_a_table_and_conclusions(tmp_path):
    """Three runs a figure by default: each median with its spread, and the line that runs
    the same bench again."""
    require_tools("wrk")
    result = run_dualgen(
        "bench", "--servers", "express,flask-dev", "--concurrency", "2", "--duration", "1",
        "-r", "GET /items", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "framework", "server", "route", "conns", "req/s", "min–max", "p50", "ms", "min–max",
        "p99", "ms", "min–max", "errors",
    ]  # fmt: skip
    rows = [line.split()[:1] + [line.split()[-9]] for line in lines[2:8]]
    assert rows == [["flask", "plain"], ["flask", "delay"], ["flask", "cpu"]] + [
        ["express", "plain"],
        ["express", "delay"],
        ["express", "cpu"],
    ]
    assert any(line.startswith("- I/O-bound") for line in lines)
    assert "The article's claims:" in lines
    assert "Express, one process (npm start): cpu, 2 connections, 1 s (run 3 of 3)" in (
        result.stderr
    )
    assert (
        "3 runs of 1 s each: the median shown, the spread (min–max) beside it; delay 50 ms, "
        "cpu 10 ms a request"
    ) in lines
    assert lines[-2:] == [
        "To run it again:",
        "  dualgen bench --route 'GET /items' --concurrency 2 --duration 1 --repeat 3 --delay 50 "
        "--cpu 10 --servers flask-dev,express",
    ]
