"""Stateful parity (`dualgen parity --sequences N`, issue 26) on real servers: sequences of
operations on the resources, each on freshly started servers with fresh stores, answer alike in
memory, in SQLite files and in PostgreSQL databases (a fixed seed each, few sequences: CI time);
a difference planted in one rendered project is found and shrunk to its minimal sequence; bad
input is refused in one line.

Set PARITY_SEQUENCES and PARITY_SEED to search wider locally.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import parity
from generator import spec as specs
from generator.errors import UsageError
from tests.helpers import run_dualgen
from tests.integration.test_server_security import render_both

SEQUENCES = int(os.environ.get("PARITY_SEQUENCES", "5"))
SEED = int(os.environ.get("PARITY_SEED", "20261206"))
ITEMS = "resource /items name:str price:float in_stock:bool?"
TAGS = "resource /tags label:str count:int"
PG_ANSWER_URL = "postgresql://localhost:5432/shop"


def undeclared(report: parity.Report) -> list[tuple[str, list[str]]]:
    return [
        (found.signature, [request.describe() for request in found.example])
        for found in report.undeclared
    ]


def check(root: Path, *args: str, **options) -> parity.Report:
    projects = render_both(root, "-r", ITEMS, "-r", TAGS, *args)
    return parity.check_projects(
        projects["flask"], projects["express"], sequences=SEQUENCES, seed=SEED, **options
    )


def assert_alike(report: parity.Report, storage: str) -> None:
    assert report.storage == storage
    assert undeclared(report) == []
    assert report.sequences >= SEQUENCES
    # Sequences of 10 to 30 operations: each sequence sent at least 10 requests.
    assert report.sent >= 10 * SEQUENCES


def test_in_memory_through_the_command_line(tmp_path):
    result = run_dualgen(
        "parity",
        "-r",
        ITEMS,
        "-r",
        TAGS,
        "--sequences",
        str(SEQUENCES),
        "--seed",
        str(SEED),
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert (report["storage"], report["ok"]) == ("memory", True)
    assert report["sequences"] >= SEQUENCES and report["sent"] >= 10 * SEQUENCES
    assert f"{SEQUENCES} sequences, each on fresh servers with a fresh memory store" in (
        result.stderr
    )
    assert [path.name for path in tmp_path.iterdir()] == [], "nothing written"


def test_in_sqlite_files(tmp_path):
    report = check(tmp_path, "-m", "database")
    assert_alike(report, "sqlite")
    # Each sequence's files were deleted with its servers; the projects' own were never made.
    assert not list(tmp_path.glob("x-*/**/*.db"))


def test_in_postgresql_databases_dualgen_makes_and_drops(tmp_path, postgres):
    projects = render_both(
        tmp_path,
        "-r",
        ITEMS,
        "-r",
        TAGS,
        "-m",
        "database",
        "--set",
        f"database.url={PG_ANSWER_URL}",
    )
    server = postgres.url("postgres")
    result = run_dualgen(
        "parity", str(projects["flask"]), str(projects["express"]),
        "--sequences", str(SEQUENCES), "--seed", str(SEED), "--format", "json",
        cwd=tmp_path, env={**os.environ, "DATABASE_URL": server},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert (report["storage"], report["ok"]) == ("postgresql", True)
    assert report["sequences"] >= SEQUENCES and report["sent"] >= 10 * SEQUENCES
    # A database of dualgen's own per server and sequence, each dropped at the end.
    left = postgres.query(server, "SELECT datname FROM pg_database WHERE datname LIKE 'dualgen%'")
    assert left == []


def test_a_delete_that_keeps_the_item_is_found_and_shrunk_to_three_operations(tmp_path):
    projects = render_both(tmp_path, "-r", ITEMS)
    handler = projects["express"] / "routes" / "items.js"
    code = handler.read_text(encoding="utf-8")
    deleting = "if (!items.delete(Number(req.params.id))) {"
    assert code.count(deleting) == 1
    handler.write_text(
        code.replace(deleting, "if (!items.has(Number(req.params.id))) {"), encoding="utf-8"
    )
    report = parity.check_projects(projects["flask"], projects["express"], sequences=8, seed=SEED)
    assert [found.signature for found in report.undeclared] == ["body of a 200 answer"]
    found = report.undeclared[0]
    assert found.confirmed
    # The shortest sequence that shows it: create item 1, delete it, list.
    assert [(r.method, r.path) for r in found.example] == [
        ("POST", "/items"),
        ("DELETE", "/items/1"),
        ("GET", "/items"),
    ]
    assert json.loads(bytes(found.example[0].body)) == {"name": "a", "price": 0.5, "in_stock": True}
    assert json.loads(found.flask.body)["total"] == 0
    assert json.loads(found.express.body)["total"] == 1


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--sequences", "0", "-r", ITEMS], "--sequences"),
        (["--sequences", "x", "-r", ITEMS], "--sequences"),
        (["--sequences", "2", "--seed", "x", "-r", ITEMS], "--seed"),
        (["--sequences", "2"], "resource"),
    ],
)
def test_bad_input_is_refused_in_one_line(args, names, tmp_path):
    result = run_dualgen("parity", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert names in result.stderr and "Traceback" not in result.stderr


def test_postgresql_without_database_url_is_refused(tmp_path):
    projects = render_both(
        tmp_path, "-m", "database", "--set", f"database.url={PG_ANSWER_URL}", "-r", ITEMS
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = run_dualgen(
        "parity", str(projects["flask"]), str(projects["express"]), "--sequences", "2",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "dualgen: error: stateful parity on PostgreSQL needs DATABASE_URL=postgresql://USER:"
        "PASSWORD@HOST:PORT/DB: dualgen makes a database of its own there for each server and "
        "drops it after (the role needs CREATEDB)\n"
    )


def test_a_project_without_a_resource_is_refused_by_the_api():
    with pytest.raises(UsageError, match="needs a resource"):
        parity.check(specs.build({}), sequences=1)
