"""The tests a PostgreSQL project gets with --tests run against PostgreSQL (issue 26): each
suite makes a database of its own beside DATABASE_URL's (its name with _test added), applies
the project's migrations there, passes, and drops it at the end, leaving DATABASE_URL's own
database untouched. Without DATABASE_URL the suite stops with one line saying what to set.
The server is the suite's throwaway cluster (tests/integration/postgres.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator import runner
from tests.integration.test_generated_tests import (
    RESOURCE_TESTS,
    failures,
    passed_resource_tests,
)
from tests.integration.test_resources import RESOURCE
from tests.integration.test_server_security import render_both

FRAMEWORKS = ["flask", "express"]
NEEDS_URL = "the tests need a PostgreSQL server: set DATABASE_URL="


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, tuple[Path, runner.Installed]]:
    root = tmp_path_factory.mktemp("generated-postgres-tests")
    url = "postgresql://localhost/shop"
    rendered = render_both(
        root, "-m", "database", "--set", f"database.url={url}", "-r", RESOURCE, "--tests"
    )
    return {
        framework: (project, runner.install(project, dev=True))
        for framework, project in rendered.items()
    }


def run_tests(project: Path, installed: runner.Installed, framework: str, **env: str):
    environ = {k: v for k, v in installed.env.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [*installed.test_command(), *(["-rA"] if framework == "flask" else [])],
        cwd=project,
        env={**environ, **env},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_resource_tests_pass_on_a_database_of_their_own(framework, projects, postgres):
    project, installed = projects[framework]
    url = postgres.create_database()
    name = url.rsplit("/", 1)[1]
    result = run_tests(project, installed, framework, DATABASE_URL=url)
    assert result.returncode == 0, failures(result)
    assert len(passed_resource_tests(framework, result)) == RESOURCE_TESTS["database"], failures(
        result
    )
    # The tests' database is gone; DATABASE_URL's own holds no table.
    databases = postgres.query(url, "SELECT datname FROM pg_database ORDER BY datname")
    assert [name] == [row[0] for row in databases if row[0].startswith(name)]
    tables = postgres.query(
        url, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    )
    assert tables == [["0"]]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_the_tests_say_what_to_set_without_database_url(framework, projects):
    project, installed = projects[framework]
    result = run_tests(project, installed, framework)
    assert result.returncode != 0
    assert NEEDS_URL in result.stdout + result.stderr, failures(result)
