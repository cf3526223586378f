"""A short `dualgen bench --streams` run against real servers: the report's structure and counts
(streams held, events delivered of those expected), never its timings. The load client is the
Node one shipped in generator/bench (streams_client.js)."""

from __future__ import annotations

import json

from tests.helpers import ROOT, run_dualgen


def test_a_short_streams_bench_holds_every_stream_and_delivers_every_event(tmp_path):
    page = tmp_path / "streams.html"
    result = run_dualgen(
        "bench", "--streams", "--connections", "3", "--rate", "2", "--duration", "1",
        "--servers", "express,gunicorn-gevent", "--format", "json", "--html", str(page), cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["key"] for s in data["setups"]] == ["express", "gunicorn-gevent"]
    counts = [
        (r["setup"], r["connections"], r["held"], r["delivered"], r["expected"])
        for r in data["runs"]
    ]
    assert counts == [("express", 3, 3, 6, 6), ("gunicorn-gevent", 3, 3, 6, 6)]
    assert [(r["failed_publishes"], r["dropped"]) for r in data["runs"]] == [(0, 0), (0, 0)]
    assert all(r["p99_ms"] is not None for r in data["runs"]), data["runs"]
    assert data["machine"]["cpus"] and data["conclusions"]
    assert data["command"] == (
        "dualgen bench --streams --connections 3 --rate 2 --duration 1 "
        "--servers express,gunicorn-gevent"
    )
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "<script" not in html and "src=" not in html
    assert html.count("<tr>") == 1 + 2, "a row a run under the header"
