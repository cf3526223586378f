"""The project verify reads, what it refuses before running anything, and a portable runner."""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from generator import journal, spec
from generator.cli import main
from generator.errors import DestinationError, UsageError
from generator.files import OWNER_FILE, claim_path
from generator.project import finish_interrupted, load_project

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = "name: hello\nmiddleware: []\n"
POSIX_ONLY = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def dualgen(*args: str, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def flask_files(project: Path, answers: str | None = ANSWERS) -> None:
    project.mkdir()
    (project / "app.py").write_text("print('never run')\n")
    (project / "requirements.txt").write_text("flask\n")
    if answers is not None:
        (project / ".dualgen.yaml").write_text(answers)


def express_files(project: Path, manifest: bytes) -> None:
    project.mkdir()
    (project / "app.js").write_text("console.log('never run');\n")
    (project / "package.json").write_bytes(manifest)
    (project / ".dualgen.yaml").write_text(ANSWERS)


def answers_link(project: Path) -> None:
    flask_files(project, answers=None)
    (project / ".dualgen.yaml").symlink_to("/dev/zero")


def answers_fifo(project: Path) -> None:
    flask_files(project, answers=None)
    os.mkfifo(project / ".dualgen.yaml")


def answers_folder(project: Path) -> None:
    flask_files(project, answers=None)
    (project / ".dualgen.yaml").mkdir()


def manifest_link(project: Path) -> None:
    express_files(project, b"{}")
    (project / "package.json").unlink()
    (project / "package.json").symlink_to("/dev/zero")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(Path.mkdir, "is neither a Flask project", id="no-project"),
        pytest.param(
            lambda p: flask_files(p, answers=None), "has no .dualgen.yaml", id="answers-missing"
        ),
        pytest.param(
            answers_link, "is a symbolic link", id="answers-link-to-dev-zero", marks=POSIX_ONLY
        ),
        pytest.param(answers_fifo, "is not a regular file", id="answers-fifo", marks=POSIX_ONLY),
        pytest.param(answers_folder, "is not a regular file", id="answers-folder"),
        pytest.param(lambda p: express_files(p, b"{"), "is not valid JSON", id="manifest-broken"),
        pytest.param(
            lambda p: express_files(p, b"[]"), "must hold a JSON object", id="manifest-list"
        ),
        pytest.param(
            lambda p: express_files(p, b'{"dependencies": ["express"]}'),
            "dependencies must map package names",
            id="manifest-dependencies-list",
        ),
        pytest.param(lambda p: express_files(p, b"\xff{}"), "is not UTF-8", id="manifest-latin1"),
        pytest.param(
            manifest_link, "is a symbolic link", id="manifest-link-to-dev-zero", marks=POSIX_ONLY
        ),
        pytest.param(
            lambda p: express_files(p, b"[" * 100_000 + b"]" * 100_000),
            "nested too deeply",
            id="manifest-deep",
        ),
    ],
)
def test_verify_refuses_what_is_no_valid_project_with_exit_2(make, message, tmp_path, capsys):
    project = tmp_path / "project"
    make(project)
    code, out, err = dualgen("verify", str(project), capsys=capsys)
    assert code == 2, out + err
    assert err.startswith("dualgen: error: ") and err.count("\n") == 1, err
    assert message in err


def test_load_project_reads_the_recorded_spec_and_the_framework(tmp_path, capsys):
    args = ["-m", "rate-limit,json-body", "--set", "rate-limit.max=7", "-r", "GET /items"]
    code, _, err = dualgen(
        "new", "both", "shop", "--no-input", "-o", str(tmp_path), *args, capsys=capsys
    )
    assert code == 0, err
    expected = spec.build(
        {
            "name": "shop",
            "middleware": ["rate-limit", "json-body"],
            "settings": {"rate-limit": {"max": 7}},
            "routes": [{"method": "GET", "path": "/items"}],
        }
    )
    assert load_project(tmp_path / "shop-flask") == (expected, "flask")
    assert load_project(tmp_path / "shop-express") == (expected, "express")


def test_an_os_error_of_the_cache_is_one_line(tmp_path, capsys, monkeypatch):
    code, _, err = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert code == 0, err
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("")
    monkeypatch.setenv("DUALGEN_CACHE_DIR", str(not_a_folder))
    code, _, err = dualgen("verify", str(tmp_path / "hello"), capsys=capsys)
    assert code == 1
    assert (
        err.startswith("dualgen: error: installing the dependencies into ") and err.count("\n") == 1
    )
    assert "Not a directory" in err or "cannot find the path" in err


def test_the_runner_needs_neither_proc_nor_fcntl():
    """Portability: processes through psutil, the cache lock through filelock."""
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value.startswith("/proc"):
                    found.append(f"{path.name}:{node.lineno} reads {node.value}")
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [alias.name for alias in node.names] + [getattr(node, "module", None)]
                if "fcntl" in modules:
                    found.append(f"{path.name}:{node.lineno} imports fcntl")
    assert found == []


def test_a_production_server_with_a_rate_limit_runs_one_worker():
    from generator.project import server_env

    limited = spec.build({"middleware": ["rate-limit"], "production-server": True})
    assert server_env(limited, production=True) == {"WEB_CONCURRENCY": "1"}
    assert server_env(limited, production=False) == {}
    unlimited = spec.build({"middleware": ["cors"], "production-server": True})
    assert server_env(unlimited, production=True) == {}


# --- an update a killed run left half-applied (generator/journal.py) --------------------------

OLD_FILES = {"app.py": b"print('old')\n", ".dualgen.yaml": b"name: old\n"}
HALF = [
    journal.Change("app.py", OLD_FILES["app.py"], b"print('new')\n"),
    journal.Change(".dualgen.yaml", OLD_FILES[".dualgen.yaml"], b"name: new\n"),
]


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")}


def old_project(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    for name, data in OLD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


def test_opening_the_project_finishes_the_update_and_says_so(tmp_path, monkeypatch, capsys):
    from generator import spec as specs
    from generator.render import render_tree

    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    old = (project / ".dualgen.yaml").read_bytes()
    new = old.replace(b"debug: false", b"debug: true")
    staging = journal.stage(project, [journal.Change(".dualgen.yaml", old, new)])
    (project.parent / ".dualgen-0123456789ab.done").mkdir()  # a claim half deleted
    (claim_path(project)).mkdir()  # the killed run's claim, its owner long gone
    (claim_path(project) / OWNER_FILE).write_text(
        json.dumps({"pid": 2**22 + 7, "claimed": time.time(), "host": socket.gethostname()}),
        encoding="utf-8",
    )
    spec, framework = load_project(project)
    assert (spec.debug, framework) == (True, "flask")
    assert capsys.readouterr().err == (
        f"dualgen: finished an update of {str(project)!r} that was interrupted\n"
    )
    assert not staging.exists() and not claim_path(project).exists()
    assert sorted(path.name for path in project.parent.iterdir()) == ["shop"]


def test_a_project_a_live_run_is_updating_is_refused(tmp_path):
    folder = old_project(tmp_path)
    staging = journal.stage(folder, HALF)
    claim_path(folder).mkdir()
    (claim_path(folder) / OWNER_FILE).write_text(
        json.dumps({"pid": os.getpid(), "claimed": time.time(), "host": socket.gethostname()}),
        encoding="utf-8",
    )
    with pytest.raises(DestinationError, match="another dualgen run .* is writing"):
        finish_interrupted(folder)
    assert staging.exists() and (folder / "app.py").read_bytes() == OLD_FILES["app.py"]
    shutil.rmtree(claim_path(folder))


def test_a_dead_runs_claim_alone_is_removed_and_nothing_said(tmp_path):
    folder = old_project(tmp_path)
    claim_path(folder).mkdir()
    (claim_path(folder) / OWNER_FILE).write_text("{}", encoding="utf-8")  # unreadable: dead
    assert finish_interrupted(folder) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["shop"]
    assert files_in(folder) == OLD_FILES


def test_a_claim_a_killed_run_was_deleting_goes_when_the_project_is_opened(tmp_path):
    folder = old_project(tmp_path)
    (tmp_path / ".dualgen-0123456789ab.done" / "work").mkdir(parents=True)
    assert finish_interrupted(folder) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["shop"]
    assert files_in(folder) == OLD_FILES


def test_a_check_gives_a_database_server_an_empty_sqlite_file_of_its_own():
    from generator.project import fresh_database

    stored = spec.build(
        {"middleware": ["database"], "routes": [{"resource": "/items", "fields": {"a": "str"}}]}
    )
    with fresh_database(stored) as env, fresh_database(stored) as other:
        (url,) = env.values()
        folder = Path(url.removeprefix("sqlite:///")).parent
        assert list(env) == ["DATABASE_URL"]
        assert url.startswith("sqlite:////") and url.endswith("/check.db")
        assert folder.is_dir() and list(folder.iterdir()) == []
        assert other["DATABASE_URL"] != url
    assert not folder.exists()
    with fresh_database(spec.build({"middleware": ["cors"]})) as env:
        assert env == {}


@pytest.mark.parametrize(
    "url", ["postgresql://app:secret@db:5433/empty", "postgres://app@db/empty"], ids=["pg", "short"]
)
def test_a_check_gives_a_postgresql_server_the_database_of_database_url(url, monkeypatch):
    from generator.project import fresh_database

    stored = spec.build(
        {
            "middleware": ["database"],
            "settings": {"database": {"url": "postgresql://db/shop"}},
            "routes": [{"resource": "/items", "fields": {"a": "str"}}],
        }
    )
    monkeypatch.setenv("DATABASE_URL", url)
    with fresh_database(stored) as env:
        assert env == {"DATABASE_URL": url}


@pytest.mark.parametrize("url", [None, "", "sqlite:///x.db", "mysql://db/x"], ids=str)
def test_a_check_of_a_postgresql_project_without_its_url_is_refused(url, monkeypatch):
    from generator.project import fresh_database

    stored = spec.build(
        {"middleware": ["database"], "settings": {"database": {"url": "postgresql://db/shop"}}}
    )
    if url is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(UsageError) as refused, fresh_database(stored):
        pass
    assert str(refused.value) == (
        "this project keeps its items in PostgreSQL: set DATABASE_URL to an empty database "
        "for the check, like postgresql://USER:PASSWORD@HOST:5432/DATABASE"
    )


def test_an_update_killed_with_no_claim_left_is_finished(tmp_path):
    folder = old_project(tmp_path)
    staging = journal.stage(folder, HALF)
    assert not claim_path(folder).exists()
    finish_interrupted(folder)
    assert files_in(folder) == {"app.py": b"print('new')\n", ".dualgen.yaml": b"name: new\n"}
    assert not staging.exists()
