"""Resources in SQLite on real servers (issue 26, M2): with `-m database` the generated Flask
(Flask-SQLAlchemy, Flask-Migrate) and Express (Knex, better-sqlite3) servers answer the same
fixed sequence as in memory, hostile field names among the columns; `dualgen verify` passes;
the development start applies the migrations, and items outlive a restart of the server."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
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

#: Where each project keeps sqlite:///app.db: Flask-SQLAlchemy in the instance folder,
#: Knex (as the generated knexfile.js resolves it) beside package.json.
DEFAULT_FILE = {"flask": Path("instance", "app.db"), "express": Path("app.db")}
STARTED = "Database: pending migrations applied"


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("database")
    return {
        framework: (project, runner.install(project))
        for framework, project in render_both(root, "-m", "database", "-r", RESOURCE).items()
    }


def database_env(folder: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{folder / 'items.db'}"}


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_resource_in_sqlite_answers_the_fixed_sequence(framework, projects, tmp_path):
    project, installed = projects[framework]
    with runner.serve(project, installed=installed, env=database_env(tmp_path)) as server:
        found = answers(server.url)
    for (label, status, content), (_, _, _, want_status, want_json) in zip(
        found, SEQUENCE, strict=True
    ):
        assert status == want_status, (label, content[:300])
        assert want_json is None or json.loads(content) == want_json, (label, content[:300])
    # Every field name is a column of its own, quoted, never part of the SQL's code.
    with sqlite3.connect(tmp_path / "items.db") as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(api_things)")]
        count = connection.execute("SELECT count(*) FROM api_things").fetchone()[0]
    assert columns == ["id", "class", "__proto__", "constructor", "toString", "hasOwnProperty"]
    assert count == 5


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_items_outlive_a_restart_in_the_default_database(framework, projects):
    project, installed = projects[framework]
    item = {"class": "kept", "constructor": 7}
    url = "/api/things"
    with runner.serve(project, installed=installed) as server:
        created = requests.post(server.url.rstrip("/") + url, json=item, timeout=10)
        first_log = server.log.read_text()
    assert created.status_code == 201, created.text
    location = created.headers["Location"]
    with runner.serve(project, installed=installed) as server:
        read = requests.get(server.url.rstrip("/") + location, timeout=10)
        listed = requests.get(server.url.rstrip("/") + url, timeout=10).json()
    assert read.status_code == 200
    assert read.json() == created.json()
    assert read.json()["class"] == "kept"
    assert listed["total"] == 1
    assert (project / DEFAULT_FILE[framework]).is_file()
    assert STARTED in first_log
    assert "kept in memory" not in first_log


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_verify_passes_on_sqlite(framework, projects, tmp_path):
    project, _ = projects[framework]
    for _ in range(2):  # each run gets an empty database: the second passes as the first
        result = run_dualgen("verify", str(project), cwd=tmp_path)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "resource /api/things: create" in result.stdout


@pytest.fixture(scope="module")
def production_projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("database-production")
    rendered = render_both(root, "-m", "database", "-r", RESOURCE, "--production-server")
    return {
        framework: (project, runner.install(project)) for framework, project in rendered.items()
    }


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_production_server_applies_migrations_and_its_workers_share_the_items(
    framework, production_projects, tmp_path
):
    project, installed = production_projects[framework]
    env = database_env(tmp_path) | {"WEB_CONCURRENCY": "3"}
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
    assert STARTED in log
    with runner.serve(project, installed=installed, production=True, env=env) as server:
        listed = requests.get(server.url.rstrip("/") + "/api/things?limit=100", timeout=10)
    assert listed.json()["total"] == len(bodies)
    assert sorted(item["class"] for item in listed.json()["items"]) == sorted(
        body["class"] for body in bodies
    )


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_killed_server_leaves_only_whole_items_in_a_sound_file(framework, projects, tmp_path):
    """SIGKILL while four clients write: every row is a whole item, every answered create is a
    row (a create in flight may have committed without its answer), and the file is sound."""
    project, installed = projects[framework]
    env = database_env(tmp_path)
    text = "x" * 200
    statuses: list[int] = []
    done = threading.Event()

    def write(base: str) -> None:
        with requests.Session() as session:
            while not done.is_set():
                try:
                    body = {"class": text, "constructor": len(statuses)}
                    statuses.append(session.post(base, json=body, timeout=5).status_code)
                except requests.RequestException:
                    return

    with runner.serve(project, installed=installed, env=env) as server:
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
    with sqlite3.connect(tmp_path / "items.db") as connection:
        sound = connection.execute("PRAGMA integrity_check").fetchone()[0]
        rows = connection.execute("SELECT class, constructor FROM api_things").fetchall()
    created = statuses.count(201)
    assert sound == "ok"
    assert created >= 100
    assert statuses == [201] * len(statuses)
    assert created <= len(rows) <= created + len(writers)
    assert all(row[0] == text and isinstance(row[1], int) for row in rows)
    with runner.serve(project, installed=installed, env=env) as server:
        listed = requests.get(server.url.rstrip("/") + "/api/things", timeout=10).json()
    assert listed["total"] == len(rows)
