"""What the README and the generated READMEs promise: the Use lines run as written after the set-up,
the pytest-cookies recipe runs as written,
shell completion works as documented, and each generated README names its prerequisites, its
choices and commands for both kinds of shell."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import spec as specs
from generator.render import render_tree
from tests.helpers import IN_CI, ROOT, after_readme_setup, readme_section, readme_use_lines

README = (ROOT / "README.md").read_text(encoding="utf-8")
ARTICLE = '"Flask vs Express: Key Differences and When to Use Each"'


section = readme_section


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_the_pytest_cookies_recipe_runs_as_written(tmp_path):
    if not IN_CI:
        pytest.importorskip("pytest_cookies")
    recipe = section("## Testing the templates with pytest-cookies")
    (code,) = blocks(recipe, "python")
    (shell,) = blocks(recipe, "sh")
    (tmp_path / "test_bake.py").write_text(code, encoding="utf-8")
    (command,) = [line for line in shell.splitlines() if "pytest test_bake.py" in line]
    command = command.replace("python -m pytest", f"{sys.executable} -m pytest -p no:cacheprovider")
    command = command.replace("test_bake.py", str(tmp_path / "test_bake.py"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        ["sh", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


# They start servers (verify, parity, bench): tests/integration/test_readme_use.py runs verify's;
# parity's and bench's take minutes (test_parity_cli.py, test_parity_events.py,
# test_parity_stateful.py and test_bench_cli.py run the commands).
SERVERS = ("dualgen verify ", "dualgen parity ", "dualgen bench ")


def test_the_use_lines_run_as_written_after_the_setup(tmp_path):
    activate, env = after_readme_setup(tmp_path)
    env["DUALGEN_CACHE_DIR"] = str(tmp_path / "cache")
    dualgen = str(tmp_path / ".venv" / "bin" / "dualgen")

    def shell(command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["sh", "-c", command],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )

    # Without the activation line, plain `dualgen` is not this install's (on a bare PATH: none).
    assert shell("command -v dualgen").stdout.strip() not in (dualgen, os.path.realpath(dualgen))
    found = shell(f"{activate} && command -v dualgen").stdout.strip()
    assert os.path.realpath(found) == os.path.realpath(dualgen)
    lines = readme_use_lines()
    run = [line for line in lines if not line.startswith(SERVERS)]
    assert len(lines) - len(run) == 7
    results = {line: shell(f"{activate} && {line}") for line in run}
    failed = {line: r.returncode for line, r in results.items() if r.returncode != 0}
    assert failed == {}, {line: results[line].stderr[-500:] for line in failed}
    written = {path.name for path in tmp_path.iterdir()} - {".venv", "cache"}
    assert written == {
        "blog",
        "notes",
        "shop-flask",
        "shop-express",
        "users-flask",
        "users-express",
        "limited",
        "boxed",
        "shared-flask",
        "chat-flask",
        "chat-express",
        "public-flask",
        "public-express",
        "shared-express",
        "hello-flask",
        "hello-express",
        "api.html",
    }
    assert (tmp_path / "boxed" / "Dockerfile").is_file()
    (diff,) = [r for line, r in results.items() if line.startswith("dualgen diff shop-flask ")]
    assert diff.stdout.endswith("no changes\n")


@pytest.mark.parametrize(
    ("line", "words", "expected"),
    [
        pytest.param("dualgen c", 1, ["cache", "check", "compare"], id="command"),
        pytest.param("dualgen new flask --preset p", 4, ["production"], id="preset"),
        pytest.param("dualgen new both -m cors,re", 4, ["cors,request-id"], id="middleware"),
        pytest.param("dualgen new fl", 2, ["flask"], id="framework"),
    ],
)
def test_shell_completion_completes_as_documented(line, words, expected, tmp_path):
    lines = section("Shell completion").splitlines()
    (documented,) = [text for text in lines if "bash_source" in text]
    assert documented.startswith('eval "$(_DUALGEN_COMPLETE=bash_source dualgen)"')
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        COMP_WORDS=line,
        COMP_CWORD=str(words),
        _DUALGEN_COMPLETE="bash_complete",
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert [item.split(",", 1)[1] for item in result.stdout.split()] == expected


def readme(tmp_path: Path, framework: str, answers: dict[str, object]) -> str:
    project = render_tree(specs.build(answers), framework, tmp_path / framework)
    return (project / "README.md").read_text(encoding="utf-8")


PROJECTS = [
    pytest.param({"classic": True}, id="classic"),
    pytest.param({}, id="default"),
    pytest.param(
        {"middleware": ["cors"], "settings": {"cors": {"origins": ["https://a.example"]}}},
        id="one-file-cors",
    ),
    pytest.param({"preset": "production"}, id="production"),
]


@pytest.mark.parametrize("framework", ["flask", "express"])
@pytest.mark.parametrize("answers", PROJECTS)
def test_generated_readmes_say_what_a_newcomer_needs(framework, answers, tmp_path):
    text = readme(tmp_path, framework, answers)
    assert "pypi.org" not in text
    prerequisite = "Python 3.10 or newer" if framework == "flask" else "Node.js 22 or newer"
    assert f"Prerequisites: {prerequisite}" in text
    assert "\n## Choices\n" in text
    assert (ARTICLE in text) is bool(answers.get("classic"))
    if framework == "flask":
        assert "python3 -m venv .venv" in text and r".venv\Scripts\activate" in text
    if not answers.get("classic"):
        assert "PowerShell: `$env:PORT = 8000`" in text


def test_a_one_file_readme_lists_its_choices_and_their_settings(tmp_path):
    answers = PROJECTS[2].values[0]
    for framework in ("flask", "express"):
        choices = readme(tmp_path, framework, answers).split("\n## Choices\n")[1]
        assert "- **CORS** (" in choices
        assert "Pages served from `https://a.example` may call the API from a browser" in choices


def test_production_readmes_give_the_windows_commands_too(tmp_path):
    flask = readme(tmp_path, "flask", {"preset": "production"})
    assert "cmd: `copy .env.example .env`" in flask
    assert "gunicorn runs on Linux and macOS; on Windows use WSL or the Docker image" in flask
