"""A resource's migration is named after the resource, never numbered by its position: removing
the first of two resources with `dualgen update` leaves the second one's migration as it was (its
Alembic revision, its Knex file), and a database that had applied both still works."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from generator import runner
from tests.helpers import run_dualgen
from tests.integration.test_server_security import FRAMEWORKS, render_both

FIRST = "resource /first name:str"
SECOND = "resource /second count:int"
#: Where each project keeps its migrations.
MIGRATIONS = {"flask": Path("migrations", "versions"), "express": Path("migrations")}
SUFFIX = {"flask": ".py", "express": ".js"}


def migrations(project: Path, framework: str) -> dict[str, str]:
    folder = project / MIGRATIONS[framework]
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.iterdir())
        if path.suffix == SUFFIX[framework]
    }


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("migrations")
    return render_both(root, "-m", "database", "-r", FIRST, "-r", SECOND)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_removing_a_resource_keeps_the_other_migration_and_the_database_works(
    framework, projects, tmp_path
):
    project = projects[framework]
    before = migrations(project, framework)
    assert sorted(before) == [
        f"create_first{SUFFIX[framework]}",
        f"create_second{SUFFIX[framework]}",
    ]
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}"}
    installed = runner.install(project)
    with runner.serve(project, installed=installed, env=env) as server:
        base = server.url.rstrip("/")
        created = requests.post(f"{base}/second", json={"count": 3}, timeout=10)
        assert requests.post(f"{base}/first", json={"name": "a"}, timeout=10).status_code == 201
    assert created.status_code == 201, created.text

    result = run_dualgen("update", str(project), "--remove-route", FIRST, cwd=project.parent)
    assert result.returncode == 0, result.stderr
    assert "- resource /first" in result.stdout
    after = migrations(project, framework)
    name = f"create_second{SUFFIX[framework]}"
    assert list(after) == [name]
    # The same file: a Knex migration byte for byte; an Alembic one with its revision, which
    # now revises nothing (the first one is gone).
    unlinked = before[name].replace("Revises: create_first\n", "Revises:\n")
    assert after[name] == unlinked.replace("= 'create_first'", "= None")
    assert ("revision = 'create_second'\ndown_revision = None\n" in after[name]) == (
        framework == "flask"
    )

    with runner.serve(project, installed=runner.install(project), env=env) as server:
        base = server.url.rstrip("/")
        read = requests.get(base + created.headers["Location"], timeout=10)
        again = requests.post(f"{base}/second", json={"count": 4}, timeout=10)
        gone = requests.get(f"{base}/first", timeout=10)
        listed = requests.get(f"{base}/second", timeout=10)
        log = server.log.read_text()
    assert "Database: pending migrations applied" in log
    assert (read.status_code, read.json()) == (200, created.json())
    assert again.status_code == 201, again.text
    assert gone.status_code == 404
    assert listed.json()["total"] == 2
