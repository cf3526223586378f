"""A short `dualgen bench --scenario resource` run (1 s a run, one concurrency, one round) in
SQLite and in the suite's PostgreSQL: the report's structure, every request answered 2xx, a
row for every answered create, and the anchors answering the generated servers' JSON; never
its numbers. Bad input: tests/unit/bench/test_bench_resource.py."""

from __future__ import annotations

import json
import os

from tests.helpers import ROOT, require_tools, run_dualgen

SETUPS = ["gunicorn-gthread", "node-cluster"]
#: What the bench's read of id 42 and its create answer, in every server (the seeded row 42,
#: then row 101 after the 100 seeded ones).
READ = {"id": 42, "name": "item 42", "price": 42.25, "quantity": 42}
CREATED = {"id": 101, "name": "bench item", "price": 12.5, "quantity": 3}


def bench(tmp_path, storage: str, env: dict[str, str]):
    page = tmp_path / f"{storage}.html"
    result = run_dualgen(
        "bench", "--scenario", "resource", "--storage", storage, "--concurrency", "2",
        "--duration", "1", "--repeat", "1", "--format", "json", "--html", str(page),
        cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout), page.read_text(encoding="utf-8")


def check_report(data, html: str, storage: str) -> None:
    assert (data["scenario"], data["storage"], data["seeded"], data["read_id"]) == (
        "resource", storage, 100, 42,
    )  # fmt: skip
    assert data["resource"] == "resource /bench/items name:str price:float quantity:int"
    assert [s["key"] for s in data["setups"]] == SETUPS
    measured = sorted((r["setup"], r["variant"], r["kind"], r["concurrency"]) for r in data["runs"])
    assert measured == sorted(
        (s, v, k, 2) for s in SETUPS for v in ("generated", "anchor") for k in ("read", "create")
    )
    for run in data["runs"]:
        assert run["requests"] > 0 and run["errors"] == 0, run
        assert run["framework"] == ("flask" if run["setup"].startswith("gunicorn") else "express")
    for answer in data["answers"]:
        assert (answer["read"], answer["created"]) == (READ, CREATED), answer
    assert sorted((a["setup"], a["variant"]) for a in data["answers"]) == sorted(
        (s, v) for s in SETUPS for v in ("generated", "anchor")
    )
    for rows in data["rows"]:
        assert rows["created_rows"] >= rows["create_requests"] > 0, rows
    ratios = data["conclusions"]["ratios"]
    assert sorted((r["setup"], r["operation"]) for r in ratios) == sorted(
        (s, op) for s in SETUPS for op in ("read", "create")
    )
    for entry in ratios:
        assert entry["storage"] == storage and entry["ratio"] > 0
        assert entry["verdict"] in {"faster", "slower", "about even", "cannot tell"}
    findings = data["conclusions"]["findings"]
    assert "The anchors answered the same JSON as the generated code (a read, a create)." in (
        findings
    )
    assert "Every answered create left its row in the database." in findings
    assert not any(line.startswith("Errors") for line in findings)
    assert html.count("<svg") == 4 and "<script" not in html and "src=" not in html


def test_the_resource_scenario_in_sqlite(tmp_path):
    require_tools("wrk")
    data, html = bench(tmp_path, "sqlite", dict(os.environ))
    check_report(data, html, "sqlite")


def test_the_resource_scenario_in_postgresql_leaves_no_database(tmp_path, postgres):
    require_tools("wrk")
    env = dict(os.environ, DATABASE_URL=postgres.url("postgres"))
    data, html = bench(tmp_path, "postgresql", env)
    check_report(data, html, "postgresql")
    left = postgres.query(
        postgres.url("postgres"),
        "SELECT count(*) FROM pg_database WHERE datname LIKE 'dualgen_bench_%'",
    )
    assert left == [["0"]]
