"""What dualgen writes: output files and folders are never followed through a symlink, never
replaced without --force, and a bad place is one line and exit 2 with nothing left behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from generator import render as render_module
from generator import spec
from generator.cli import main
from generator.errors import DestinationError
from generator.files import Claim, claim_path, write_file
from generator.render import render
from generator.signals import Interrupted

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files and signals")


def dualgen(*args: str, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def assert_refused(code: int, err: str, message: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("dualgen: error: "), err
    assert message in err, err


HTML_COMMANDS = [
    pytest.param(["compare"], id="compare"),
    pytest.param(["diff", "flask", "--from", "classic", "--to", "default+cors"], id="diff"),
]


# --- item 10: --html files -----------------------------------------------------------------


@pytest.mark.parametrize("command", HTML_COMMANDS)
@pytest.mark.parametrize("force", [[], ["--force"]], ids=["", "force"])
def test_html_never_writes_through_a_symlink(command, force, tmp_path, capsys):
    target = tmp_path / "precious.txt"
    target.write_text("precious")
    (tmp_path / "page.html").symlink_to(target)
    html = str(tmp_path / "page.html")
    code, _, err = dualgen(*command, "--html", html, *force, capsys=capsys)
    assert_refused(code, err, "is a symlink; dualgen never writes through one")
    assert target.read_text() == "precious"
    assert (tmp_path / "page.html").is_symlink()
    assert entries(tmp_path) == ["page.html", "precious.txt"]


@pytest.mark.parametrize("command", HTML_COMMANDS)
def test_html_replaces_a_file_only_with_force(command, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text("mine")
    code, _, err = dualgen(*command, "--html", str(page), capsys=capsys)
    assert_refused(code, err, "already exists; use --force to replace it")
    assert page.read_text() == "mine"
    code, _, err = dualgen(*command, "--html", str(page), "--force", capsys=capsys)
    assert code == 0, err
    assert page.read_text().lower().startswith("<!doctype html>")
    assert entries(tmp_path) == ["page.html"]


@pytest.mark.parametrize("command", HTML_COMMANDS)
def test_html_is_written_once_complete_and_nothing_else(command, tmp_path, capsys):
    page = tmp_path / "page.html"
    code, _, err = dualgen(*command, "--html", str(page), capsys=capsys)
    assert code == 0, err
    assert page.read_text().rstrip().endswith("</html>")
    assert entries(tmp_path) == ["page.html"]


@pytest.mark.parametrize("command", HTML_COMMANDS)
def test_html_in_a_missing_folder_is_one_line(command, capsys):
    code, _, err = dualgen(*command, "--html", "/nonexistent/x.html", capsys=capsys)
    assert_refused(code, err, "folder '/nonexistent' does not exist")


@POSIX
@pytest.mark.parametrize("command", HTML_COMMANDS)
def test_html_onto_a_named_pipe_is_refused_without_waiting(command, tmp_path, capsys):
    os.mkfifo(tmp_path / "pipe.html")
    code, _, err = dualgen(*command, "--html", str(tmp_path / "pipe.html"), "-f", capsys=capsys)
    assert_refused(code, err, "is not a regular file")


def test_write_file_keeps_the_mode_a_new_file_gets(tmp_path):
    write_file(tmp_path / "a.html", "<p>", force=False)
    (tmp_path / "b.html").write_text("<p>")
    assert (tmp_path / "a.html").stat().st_mode == (tmp_path / "b.html").stat().st_mode


# --- item 8: bad -o folders ----------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="Linux /proc")
def test_an_output_folder_that_cannot_be_created_is_one_line(capsys):
    code, _, err = dualgen("new", "flask", "--no-input", "-o", "/proc/x", capsys=capsys)
    assert_refused(code, err, "cannot create output folder '/proc/x'")
    assert not os.path.lexists("/proc/x")


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="Linux /sys")
def test_an_output_folder_that_cannot_be_written_is_one_line(capsys):
    before = entries(Path("/sys/kernel"))
    code, _, err = dualgen("new", "both", "--no-input", "-o", "/sys/kernel", capsys=capsys)
    assert_refused(code, err, "cannot write in output folder '/sys/kernel'")
    assert entries(Path("/sys/kernel")) == before


@POSIX
@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_force_over_a_folder_holding_a_special_file_is_refused(kind, tmp_path, capsys):
    project = tmp_path / "hello"
    (project / "run").mkdir(parents=True)
    (project / "app.py").write_text("mine")
    if kind == "fifo":
        os.mkfifo(project / "run" / "pipe")
    else:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(project / "run" / "pipe"))
        listener.close()
    code, _, err = dualgen(
        "new", "flask", "--no-input", "--force", "-o", str(tmp_path), capsys=capsys
    )
    assert_refused(code, err, "output folder")
    assert "'run/pipe'; --force keeps only files, folders and symlinks" in err
    assert entries(tmp_path) == ["hello"]
    assert entries(project) == ["app.py", "run"]
    assert (project / "app.py").read_text() == "mine"


@pytest.mark.parametrize(
    "error",
    [RuntimeError("late failure"), KeyboardInterrupt(), Interrupted(signal.SIGTERM)],
    ids=["error", "ctrl-c-outside-the-cli", "signal"],
)
def test_a_failed_run_removes_the_output_folders_it_created(error, tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()

    def failing(spec_, framework, into):
        raise error

    monkeypatch.setattr(render_module, "render_tree", failing)
    with pytest.raises(type(error)):
        render(spec.build({}), ("flask", "express"), tmp_path / "a" / "b" / "c")
    assert entries(tmp_path) == ["a"]
    assert entries(tmp_path / "a") == []


def test_force_over_both_projects_merges_each(tmp_path):
    render(spec.build({"preset": "classic"}), ("flask", "express"), tmp_path)
    for name in ("hello-flask", "hello-express"):
        (tmp_path / name / "notes.md").write_text("mine")
    render(spec.build({}), ("flask", "express"), tmp_path, force=True)
    assert entries(tmp_path) == ["hello-express", "hello-flask"]
    for name in ("hello-flask", "hello-express"):
        assert (tmp_path / name / "notes.md").read_text() == "mine"
    assert "PORT" in (tmp_path / "hello-flask" / "app.py").read_text()


# --- claims --------------------------------------------------------------------------------


def test_a_claimed_destination_is_refused_with_the_holder(tmp_path, capsys):
    with Claim([tmp_path / "hello"]):
        code, _, err = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert_refused(code, err, f"another dualgen run (process {os.getpid()}) is writing")
    assert entries(tmp_path) == []


def dead_process() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.parametrize(
    "owner",
    [
        pytest.param(lambda: {"pid": dead_process(), "claimed": 1.0}, id="dead-process"),
        pytest.param(lambda: {"pid": os.getpid(), "claimed": 1.0}, id="reused-pid"),
        pytest.param(lambda: "not json", id="unreadable"),
    ],
)
def test_a_stale_claim_is_taken_over(owner, tmp_path, capsys):
    stale = claim_path(tmp_path / "hello")
    stale.mkdir()
    record = owner()
    if isinstance(record, dict):
        record = json.dumps({**record, "host": socket.gethostname()})
    (stale / "owner.json").write_text(record)
    code, _, err = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert code == 0, err
    assert entries(tmp_path) == ["hello"]


def test_a_claim_from_another_machine_is_respected(tmp_path, capsys):
    held = claim_path(tmp_path / "hello")
    held.mkdir()
    (held / "owner.json").write_text(json.dumps({"pid": 1, "claimed": 1.0, "host": "elsewhere"}))
    code, _, err = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert_refused(code, err, "another dualgen run (process 1 on elsewhere) is writing")


def test_a_destination_error_names_the_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DestinationError, match="cannot create output folder"):
        render(spec.build({}), ("flask",), tmp_path / "file" / "sub")
    assert entries(tmp_path) == ["file"]
