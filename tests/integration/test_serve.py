"""The walking skeleton end to end: the CLI renders, the project installs, starts with its
documented command on a free port, answers over HTTP, and stops without leaving a process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from generator import runner
from generator.errors import RunError
from tests.helpers import ROOT, run_dualgen

FRAMEWORKS = ["flask", "express"]


def render(framework: str, tmp_path: Path, *args: str) -> Path:
    result = run_dualgen("new", framework, "--no-input", "-o", str(tmp_path), *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "hello"


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_generated_server_answers_and_stops_cleanly(framework, tmp_path):
    project = render(framework, tmp_path)
    installed = runner.install(project)
    with runner.serve(project, installed=installed) as server:
        response = requests.get(server.url, timeout=5)
        pgid = server.process.pid
        port = server.port
        assert runner.group_processes(pgid), "the server runs in its own process group"
    assert response.status_code == 200
    assert response.text == "Hello, World!"
    assert runner.group_processes(pgid) == []
    assert not runner.port_in_use(port)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_verify_passes_and_reuses_the_installed_dependencies(framework, tmp_path):
    project = render(framework, tmp_path)
    first = run_dualgen("verify", str(project), cwd=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "ok       GET /" in first.stdout
    second = run_dualgen("verify", str(project), cwd=tmp_path)
    assert second.returncode == 0
    assert "install  reused" in second.stdout


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_verify_reports_a_wrong_answer_with_the_server_output(framework, tmp_path):
    project = render(framework, tmp_path)
    app = project / ("app.py" if framework == "flask" else "app.js")
    app.write_text(app.read_text().replace("Hello, World!", "Goodbye!"))
    result = run_dualgen("verify", str(project), cwd=tmp_path)
    assert result.returncode == 1
    assert "FAIL     GET /" in result.stdout
    assert "body 'Goodbye!', expected 'Hello, World!'" in result.stdout
    assert "1 of 2 exchanges failed. Server output:" in result.stderr


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_a_server_that_never_listens_is_stopped_after_the_timeout(framework, tmp_path):
    project = render(framework, tmp_path)
    app = project / ("app.py" if framework == "flask" else "app.js")
    hang = (
        "import time\nprint('booting', flush=True)\ntime.sleep(600)\n"
        if framework == "flask"
        else ("console.log('booting');\nsetInterval(() => {}, 1000);\n")
    )
    app.write_text(hang)
    installed = runner.install(project)
    with pytest.raises(
        RunError, match=r"did not listen on port \d+ within 3 s; its output:\n(.|\n)*booting"
    ):
        with runner.serve(project, installed=installed, timeout=3):
            pass  # pragma: no cover


def test_a_port_in_use_is_reported(tmp_path):
    import socket

    project = render("flask", tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RunError, match=f"port {port} is already in use"):
            with runner.serve(project, port=port):
                pass  # pragma: no cover


def test_flask_debug_reloader_child_is_stopped_too(tmp_path):
    project = render("flask", tmp_path, "--debug")
    assert "debug=True" in (project / "app.py").read_text()
    with runner.serve(project) as server:
        assert requests.get(server.url, timeout=5).text == "Hello, World!"
        pgid = server.process.pid
        assert len(runner.group_processes(pgid)) >= 2, "the reloader runs the app in a child"
    assert runner.group_processes(pgid) == []


@pytest.mark.skipif(os.name != "posix", reason="sessions and process groups are POSIX")
def test_a_process_that_left_the_group_is_stopped_with_the_server(tmp_path):
    project = render("flask", tmp_path)
    app = project / "app.py"
    app.write_text(
        "import subprocess\nimport sys\n\n"
        "escaped = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],"
        " start_new_session=True)\n"
        "open('escaped.pid', 'w').write(str(escaped.pid))\n" + app.read_text()
    )
    with runner.serve(project) as server:
        assert requests.get(server.url, timeout=5).text == "Hello, World!"
        escaped = psutil.Process(int((project / "escaped.pid").read_text()))
        assert escaped.is_running() and os.getpgid(escaped.pid) != server.process.pid
    assert not escaped.is_running() or escaped.status() == psutil.STATUS_ZOMBIE


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_plain_cookiecutter_renders_the_same_default_project(framework, tmp_path):
    plain = tmp_path / "plain"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(plain),
            str(ROOT / "templates" / framework),
        ],
        check=True,
        capture_output=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    title = "Hello Flask" if framework == "flask" else "Hello Express"
    ours = tmp_path / "ours"
    assert (
        run_dualgen("new", framework, title, "--no-input", "-o", str(ours), cwd=tmp_path).returncode
        == 0
    )
    slug = title.lower().replace(" ", "-")
    plain_files = sorted(
        p.relative_to(plain / slug) for p in (plain / slug).rglob("*") if p.is_file()
    )
    our_files = sorted(p.relative_to(ours / slug) for p in (ours / slug).rglob("*") if p.is_file())
    assert our_files == sorted([*plain_files, Path(".dualgen.yaml")])
    for name in plain_files:
        assert (plain / slug / name).read_bytes() == (ours / slug / name).read_bytes(), name


def test_cli_runs_as_python_dash_m_and_console_script(tmp_path):
    assert run_dualgen("--version", cwd=tmp_path).stdout.startswith("dualgen, version")
    # The script of the environment running the tests (the README's .venv, not activated),
    # else one on PATH.
    beside = Path(sys.executable).with_name("dualgen.exe" if os.name == "nt" else "dualgen")
    script = str(beside) if beside.exists() else shutil.which("dualgen")
    assert script, "pip install gives the dualgen console script"
    result = subprocess.run([script, "new", "django"], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_env_file_settings_are_loaded_and_set_variables_win(framework, tmp_path):
    project = render(framework, tmp_path, "--env-file")
    installed = runner.install(project)
    port = runner.free_port()
    (project / ".env").write_text(f"PORT={port}\nHOST=127.0.0.1\n")
    env = {k: v for k, v in installed.env.items() if k not in ("PORT", "HOST")}
    process = subprocess.Popen(
        installed.command(),
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not runner.port_in_use(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert requests.get(f"http://127.0.0.1:{port}/", timeout=5).text == "Hello, World!"
    finally:
        runner.stop(process)
