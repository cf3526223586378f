"""Resources in PostgreSQL on real servers (issue 26, M3): with `--set
database.url=postgresql://…` the generated Flask (Flask-SQLAlchemy over psycopg 3) and Express
(Knex over pg) servers answer the same fixed sequence as in memory and in SQLite, hostile
field names among the columns, against a real PostgreSQL server the suite starts
(tests/integration/postgres.py); `dualgen verify` passes with DATABASE_URL; items outlive a
restart; several workers write at once; a server killed while it writes leaves whole rows."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from generator import runner
from tests.helpers import run_dualgen
from tests.integration.test_resources import RESOURCE, SEQUENCE, answers
from tests.integration.test_server_security import FRAMEWORKS, render_both

#: The URL in the answers: no user, no password; DATABASE_URL gives the real one.
ANSWER_URL = "postgresql://localhost:5432/shop"
STARTED = "Database: pending migrations applied"
TABLE = "api_things"


def render(root: Path, *extra: str) -> dict[str, tuple[Path, runner.Installed]]:
    rendered = render_both(
        root, "-m", "database", "--set", f"database.url={ANSWER_URL}", "-r", RESOURCE, *extra
    )
    return {
        framework: (project, runner.install(project)) for framework, project in rendered.items()
    }


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    return render(tmp_path_factory.mktemp("postgres"))


@pytest.fixture(scope="module")
def production_projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    return render(tmp_path_factory.mktemp("postgres-production"), "--production-server")


def test_the_answers_hold_no_credentials_and_the_driver_follows_the_engine(projects):
    flask, express = projects["flask"][0], projects["express"][0]
    requirements = (flask / "requirements.txt").read_text(encoding="utf-8").splitlines()
    package = json.loads((express / "package.json").read_text(encoding="utf-8"))
    assert "psycopg[binary]==3.3.9" in requirements
    assert sorted(package["dependencies"]) == ["express", "knex", "pg"]
    assert package["dependencies"]["pg"] == "8.23.1"
    for project in (flask, express):
        assert f"url: {ANSWER_URL}" in (project / ".dualgen.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_resource_in_postgresql_answers_the_fixed_sequence(framework, projects, postgres):
    project, installed = projects[framework]
    url = postgres.create_database()
    with runner.serve(project, installed=installed, env={"DATABASE_URL": url}) as server:
        found = answers(server.url)
        log = server.log.read_text()
    for (label, status, content), (_, _, _, want_status, want_json) in zip(
        found, SEQUENCE, strict=True
    ):
        assert status == want_status, (label, content[:300])
        assert want_json is None or json.loads(content) == want_json, (label, content[:300])
    assert STARTED in log
    # Every field name is a column of its own, quoted, never part of the SQL's code; ids and
    # int fields are bigints (the contract's integers reach 2 ** 53 - 1).
    columns = postgres.query(
        url,
        "SELECT column_name, data_type FROM information_schema.columns "
        f"WHERE table_name = '{TABLE}' ORDER BY ordinal_position",
    )
    assert columns == [
        ["id", "bigint"],
        ["class", "character varying"],
        ["__proto__", "character varying"],
        ["constructor", "bigint"],
        ["toString", "boolean"],
        ["hasOwnProperty", "double precision"],
    ]
    assert postgres.query(url, f"SELECT count(*) FROM {TABLE}") == [["5"]]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_big_integers_come_back_as_json_numbers(framework, projects, postgres):
    """node-postgres reads a bigint as a string: the generated db.js reads it as a number."""
    project, installed = projects[framework]
    env = {"DATABASE_URL": postgres.create_database()}
    body = {"class": "big", "constructor": 9007199254740991, "hasOwnProperty": 0.1}
    with runner.serve(project, installed=installed, env=env) as server:
        base = server.url.rstrip("/") + "/api/things"
        created = requests.post(base, json=body, timeout=10)
        low = requests.post(base, json={"class": "low", "constructor": -9007199254740991})
        read = requests.get(f"{base}/1", timeout=10)
        listed = requests.get(base, timeout=10)
        beyond = requests.get(f"{base}/999999999999999", timeout=10)
    assert created.status_code == 201
    assert created.text.startswith('{"')
    assert read.json() == {"id": 1, "toString": None, "__proto__": None, **body}
    assert '"constructor":9007199254740991' in read.text.replace(" ", "")
    assert '"id":1' in read.text.replace(" ", "")
    assert low.json()["constructor"] == -9007199254740991
    assert listed.json()["total"] == 2
    assert '"total":2' in listed.text.replace(" ", "")
    assert (beyond.status_code, beyond.json()) == (404, {"error": "Not Found"})


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_items_outlive_a_restart_and_postgres_urls_work_too(framework, projects, postgres):
    project, installed = projects[framework]
    url = postgres.create_database()
    item = {"class": "kept", "constructor": 7}
    with runner.serve(project, installed=installed, env={"DATABASE_URL": url}) as server:
        created = requests.post(server.url.rstrip("/") + "/api/things", json=item, timeout=10)
    assert created.status_code == 201, created.text
    # postgres:// (as some hosts write it) names the same database.
    short = url.replace("postgresql://", "postgres://", 1)
    with runner.serve(project, installed=installed, env={"DATABASE_URL": short}) as server:
        read = requests.get(server.url.rstrip("/") + created.headers["Location"], timeout=10)
        listed = requests.get(server.url.rstrip("/") + "/api/things", timeout=10).json()
    assert read.status_code == 200
    assert read.json() == created.json()
    assert listed["total"] == 1


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_verify_passes_on_postgresql_with_database_url(framework, projects, postgres, tmp_path):
    project, _ = projects[framework]
    url = postgres.create_database()
    env = os.environ | {"DATABASE_URL": url}
    result = run_dualgen("verify", str(project), cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "resource /api/things: create" in result.stdout
    assert "resource /api/things: a text with NUL" in result.stdout
    # Without DATABASE_URL, one line says what to set.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    refused = run_dualgen("verify", str(project), cwd=tmp_path, env=env)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "dualgen: error: this project keeps its items in PostgreSQL: set DATABASE_URL to an "
        "empty database for the check, like postgresql://USER:PASSWORD@HOST:5432/DATABASE"
    ]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_production_workers_write_to_postgresql_at_once(framework, production_projects, postgres):
    project, installed = production_projects[framework]
    env = {"DATABASE_URL": postgres.create_database(), "WEB_CONCURRENCY": "3"}
    bodies = [{"class": f"item {n}", "constructor": n} for n in range(40)]
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        base = server.url.rstrip("/") + "/api/things"
        with ThreadPoolExecutor(8) as pool:  # writes that meet in several workers at once
            created = list(
                pool.map(lambda body: requests.post(base, json=body, timeout=30), bodies)
            )
        log = server.log.read_text()
    assert [answer.status_code for answer in created] == [201] * len(bodies)
    assert sorted(answer.json()["id"] for answer in created) == list(range(1, len(bodies) + 1))
    assert log.count(STARTED) == 1  # the migrations ran once, before the workers started
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        listed = requests.get(server.url.rstrip("/") + "/api/things?limit=100", timeout=10)
    assert listed.json()["total"] == len(bodies)
    assert sorted(item["class"] for item in listed.json()["items"]) == sorted(
        body["class"] for body in bodies
    )


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_killed_server_leaves_only_whole_items_in_postgresql(framework, projects, postgres):
    """SIGKILL while four clients write and replace: every row is a whole item, every answered
    create is a row (a create in flight may have committed without its answer)."""
    project, installed = projects[framework]
    url = postgres.create_database()
    text = "x" * 200
    statuses: list[int] = []
    replaced: list[int] = []
    done = threading.Event()

    def write(base: str) -> None:
        with requests.Session() as session:
            while not done.is_set():
                try:
                    body = {"class": text, "constructor": len(statuses)}
                    statuses.append(session.post(base, json=body, timeout=5).status_code)
                    # Replaces of one item meet: each waits for the other, none is lost.
                    replaced.append(session.put(f"{base}/1", json=body, timeout=5).status_code)
                except requests.RequestException:
                    return

    with runner.serve(project, installed=installed, env={"DATABASE_URL": url}) as server:
        base = server.url.rstrip("/") + "/api/things"
        writers = [threading.Thread(target=write, args=(base,)) for _ in range(4)]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 30  # a bound on the wait, not a measurement
        while len(statuses) < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(os.getpgid(server.process.pid), signal.SIGKILL)  # the group runner started
        done.set()
        for writer in writers:
            writer.join()
    rows = postgres.query(url, f"SELECT id, class, constructor FROM {TABLE} ORDER BY id")
    created = statuses.count(201)
    assert created >= 100
    assert statuses == [201] * len(statuses)
    assert replaced == [200] * len(replaced)
    assert created <= len(rows) <= created + len(writers)
    assert rows[0][0] == "1"  # item 1 was replaced, never lost
    assert all(row[1] == text and row[2].isdigit() for row in rows)
    with runner.serve(project, installed=installed, env={"DATABASE_URL": url}) as server:
        listed = requests.get(server.url.rstrip("/") + "/api/things", timeout=10).json()
    assert listed["total"] == len(rows)
