"""verify without servers: the project it reads, what it refuses, and the plan of its checks."""

from __future__ import annotations

import ast
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from generator import exchanges, spec
from generator.cli import main
from generator.project import load_project
from generator.verify import MAX_REQUESTS, plan

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


def limited(max_requests: int, **more) -> spec.ProjectSpec:
    return spec.build(
        {
            "middleware": ["rate-limit", "json-body", "error-handlers", "request-id"],
            "settings": {"rate-limit": {"max": max_requests}, **more},
            "routes": [
                {"method": "GET", "path": "/items/{id:int}"},
                {"method": "POST", "path": "/items", "status": 201},
            ],
        }
    )


@pytest.mark.parametrize("max_requests", [1, 2, 3, 5, 100], ids=lambda n: f"max-{n}")
def test_every_exchange_is_planned_under_a_small_rate_limit(max_requests):
    built = limited(max_requests)
    contract = exchanges.exchanges(built)
    names = [exchange.name for exchange in contract]
    assert "malformed JSON body" in names
    assert "JSON body over 102400 bytes" in names
    assert "request id echoed" in names
    starts, left_out = plan(built)
    assert [e for batch in starts for e in batch] == contract
    assert left_out == []
    exceeding = contract[-1]
    assert exceeding.repeat == max_requests + 1
    assert starts[-1][-1] == exceeding
    for batch in starts:
        counted = [e for e in batch if e != exceeding]
        assert sum(e.repeat for e in counted) <= max_requests, [e.name for e in batch]
    assert len(starts) == -(-(len(contract) - 1) // max_requests)


def test_a_limit_too_large_to_exceed_is_reported_not_checked():
    built = limited(1_000_000)
    starts, left_out = plan(built)
    assert [check.exchange.name for check in left_out] == [
        "rate limit: request 1000001 in the window"
    ]
    assert left_out[0].skipped == (
        f"it takes 1000001 requests; verify sends at most {MAX_REQUESTS} for one exchange"
    )
    assert len(starts) == 1
    assert "rate limit: headers" in [exchange.name for exchange in starts[0]]


def test_an_over_limit_body_is_streamed_not_built():
    limit = 1 << 30
    built = limited(5, **{"json-body": {"limit": limit}})
    tracemalloc.start()
    try:
        over = next(e for e in exchanges.exchanges(built) if e.status == 413)
        sizes = [len(chunk) for chunk in over.body]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(over.body) == sum(sizes) == limit + len(b'{"data": ""}')
    assert max(sizes) <= 1 << 20
    assert peak < 16 << 20, f"{peak} bytes allocated"


def test_a_small_over_limit_body_is_the_json_it_was():
    built = limited(5, **{"json-body": {"limit": 5}})
    over = next(e for e in exchanges.exchanges(built) if e.status == 413)
    assert b"".join(over.body) == b'{"data": "xxxxx"}'
    assert json.loads(b"".join(over.body)) == {"data": "xxxxx"}


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
