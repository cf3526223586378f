"""dualgen bench --scenario resource without servers: bad input, the answers it renders, wrk's
script, and the table, ratios and conclusions drawn from fixed figures."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from generator.bench import SETUPS, resource, resource_report
from generator.bench.resource import ResourceBench, ResourceRun
from tests.helpers import run_main

NO_URL = (
    "--storage postgresql needs DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DB: dualgen "
    "makes a database of its own there for each server and drops it after (the role needs "
    "CREATEDB)"
)


@pytest.mark.parametrize(
    ("args", "database_url", "message"),
    [
        pytest.param(["--storage", "postgresql"], "", NO_URL, id="no-database-url"),
        pytest.param(["--storage", "postgresql"], "sqlite:///x.db", NO_URL, id="not-postgresql"),
        pytest.param(
            ["--servers", "gunicorn-sync,flask-dev"],
            None,
            "--servers 'gunicorn-sync,flask-dev': 'flask-dev' is not one of gunicorn-sync, "
            "gunicorn-gthread, express, node-cluster (with --scenario resource)",
            id="dev-server",
        ),
        pytest.param(
            ["--storage", "mysql"],
            None,
            "Invalid value for '--storage': 'mysql' is not one of 'sqlite', 'postgresql'. Try "
            "'dualgen bench -h' for help.",
            id="unknown-storage",
        ),
        pytest.param(
            ["--streams"],
            None,
            "--streams and --scenario resource are two benches: choose one. Try 'dualgen bench "
            "-h' for help.",
            id="with-streams",
        ),
        pytest.param(
            ["--repeat", "0"],
            None,
            "--repeat 0 must be a whole number from 1 to 20 (3 or more shows how much each "
            "figure varies)",
            id="repeat",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(args, database_url, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    if database_url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", database_url)
    code, err = run_main("bench", "--scenario", "resource", *args)
    assert (code, err) == (2, f"dualgen: error: {message}\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--storage", "sqlite"], "--storage is an option of --scenario resource",
                     id="routes"),
        pytest.param(["--streams", "--storage", "sqlite"],
                     "--storage is an option of --scenario resource", id="streams"),
    ],
)  # fmt: skip
def test_storage_belongs_to_the_resource_scenario(args, message, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    code, err = run_main("bench", *args)
    assert (code, err) == (2, f"dualgen: error: {message}. Try 'dualgen bench -h' for help.\n")
    assert list(tmp_path.iterdir()) == []


def test_the_user_s_answers_get_the_resource_its_storage_and_the_production_server():
    answers = {"middleware": ["cors", "database"], "settings": {"database": {"url": "x"}}}
    assert resource.resource_answers(answers, "postgresql", "sync") == {
        "middleware": ["cors", "database"],
        "settings": {
            "database": {"url": "postgresql://localhost:5432/bench"},
            "production-server": {"worker-class": "sync"},
        },
        "routes": [
            {
                "resource": "/bench/items",
                "fields": {"name": "str", "price": "float", "quantity": "int"},
            },
        ],  # fmt: skip
        "production-server": True,
    }
    assert resource.resource_answers({}, "sqlite", "gthread")["middleware"] == ["database"]
    assert resource.resource_answers({}, "sqlite", "gthread")["settings"]["database"] == {
        "url": "sqlite:///app.db"
    }
    assert answers["settings"]["database"]["url"] == "x", "the caller's answers kept"


def test_wrk_s_script_posts_the_body_as_json():
    script = resource._lua({"name": 'a "quoted" name', "price": 1.5})
    assert script == (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        'wrk.body = "{\\"name\\": \\"a \\\\\\"quoted\\\\\\" name\\", \\"price\\": 1.5}"\n'
    )


def test_the_servers_are_the_production_ones_and_express_in_one_process():
    assert [s.key for s in resource.parse_servers(None)] == ["gunicorn-gthread", "node-cluster"]
    chosen = resource.parse_servers("node-cluster,gunicorn-sync,express")
    assert [s.key for s in chosen] == ["gunicorn-sync", "express", "node-cluster"]


def run(setup: str, variant: str, kind: str, rps: list[float]) -> ResourceRun:
    framework = "flask" if setup.startswith("gunicorn") else "express"
    samples = [[value, 2.0, 9.0] for value in rps]
    return ResourceRun(setup, framework, kind, 10, sorted(rps)[1], 2.0, 9.0, 0, 1000, samples,
                       variant)  # fmt: skip


def fixed() -> ResourceBench:
    keys = ("gunicorn-gthread", "node-cluster")
    result = ResourceBench("sqlite", 5, (10,), 3)
    result.setups = [{**asdict(s), "workers": 5} for s in SETUPS if s.key in keys]
    result.runs = [
        run("gunicorn-gthread", "generated", "read", [900, 1000, 1100]),
        run("gunicorn-gthread", "anchor", "read", [950, 1000, 1050]),
        run("gunicorn-gthread", "generated", "create", [400, 420, 440]),
        run("gunicorn-gthread", "anchor", "create", [600, 610, 620]),
        run("node-cluster", "generated", "read", [3000, 3100, 3200]),
        run("node-cluster", "anchor", "read", [2000, 2100, 2200]),
        run("node-cluster", "generated", "create", [800, 900, 1000]),
        run("node-cluster", "anchor", "create", [700, 1300, 1400]),
    ]
    answer = {"read": {"id": 42}, "created": {"id": 101}}
    result.answers = [
        {"setup": key, "framework": "f", "variant": variant, **answer}
        for key in keys
        for variant in ("generated", "anchor")
    ]
    result.rows = [
        {"setup": key, "variant": variant, "created_rows": 500, "create_requests": 500}
        for key in keys
        for variant in ("generated", "anchor")
    ]
    result.machine = {"cpus": 2, "load_before": [0.2, 0.1, 0.1]}
    return result


def test_each_ratio_is_generated_over_anchor_with_its_spread_and_verdict():
    found = {(r["setup"], r["operation"]): r for r in resource_report.ratios(fixed())}
    assert {key: (r["ratio"], r["low"], r["high"], r["verdict"]) for key, r in found.items()} == {
        ("gunicorn-gthread", "read"): (1.0, 0.857, 1.158, "about even"),
        ("gunicorn-gthread", "create"): (0.689, 0.645, 0.733, "slower"),
        ("node-cluster", "read"): (1.476, 1.364, 1.6, "faster"),
        ("node-cluster", "create"): (0.692, 0.571, 1.429, "cannot tell"),
    }
    assert {(r["framework"], r["storage"], r["concurrency"]) for r in found.values()} == {
        ("flask", "sqlite", 10),
        ("express", "sqlite", 10),
    }


def test_the_conclusions_say_each_ratio_the_frameworks_and_the_checks():
    findings = resource_report.conclusions(fixed())["findings"]
    assert findings == [
        "Flask on gunicorn gthread, SQLite, read by id: generated/anchor requests a second "
        "1.0× (0.9–1.2×) at 10 connections (about even).",
        "Flask on gunicorn gthread, SQLite, create: generated/anchor requests a second 0.7× "
        "(0.6–0.7×) at 10 connections (slower).",
        "Express on Node cluster, SQLite, read by id: generated/anchor requests a second 1.5× "
        "(1.4–1.6×) at 10 connections (faster).",
        "Express on Node cluster, SQLite, create: generated/anchor requests a second 0.7× "
        "(0.6–1.4×) at 10 connections (cannot tell).",
        "Read by id at 10 connections, SQLite: generated Express (Node cluster, 3100 req/s) "
        "served 3.1× (2.7–3.6×) generated Flask (gunicorn gthread, 1000 req/s).",
        "Create at 10 connections, SQLite: generated Express (Node cluster, 900 req/s) served "
        "2.1× (1.8–2.5×) generated Flask (gunicorn gthread, 420 req/s).",
        "The anchors answered the same JSON as the generated code (a read, a create).",
        "Every answered create left its row in the database.",
    ]


def test_other_json_fewer_rows_and_errors_are_said():
    result = fixed()
    result.answers[1]["read"] = {"id": 42, "extra": True}
    result.rows[3]["created_rows"] = 499
    result.runs[7].errors = 3
    found = resource_report.conclusions(result)
    assert found["findings"][-3:] == [
        "The anchor answered other JSON than the generated code on gunicorn gthread: the ratios "
        "compare unlike work.",
        "Node cluster (anchor): 499 rows for 500 answered creates.",
        "Errors (timeouts, refused connections or non-2xx answers): Node cluster anchor create "
        "at 10: 3.",
    ]
    assert found["caveats"] == []


def test_the_text_and_json_reports():
    result = fixed()
    result.command = "dualgen bench --scenario resource"
    text = resource_report.render_text(result).splitlines()
    assert text[0].split() == [
        "framework", "server", "code", "operation", "conns", "req/s", "min–max", "p50", "ms",
        "min–max", "p99", "ms", "min–max", "errors",
    ]  # fmt: skip
    assert text[2].split() == [
        "flask", "gunicorn", "gthread", "generated", "read", "10", "1000", "900–1100", "2.0",
        "-", "9.0", "-", "0",
    ]  # fmt: skip
    assert [line.split()[3] for line in text[2:6]] == ["generated", "anchor"] * 2
    assert text[-2:] == ["To run it again:", "  dualgen bench --scenario resource"]
    data = json.loads(resource_report.render_json(result))
    assert (data["scenario"], data["storage"], data["concurrency"]) == ("resource", "sqlite", [10])
    assert data["runs"][0]["variant"] == "generated" and len(data["conclusions"]["ratios"]) == 4
    html = resource_report.render_html(result)
    assert html.count("<svg") == 4 and "<script" not in html
    assert 'class="gunicorn-gthread anchor"' in html
