"""What the commands print: it fits the terminal, colour obeys the user, help shows examples and
defaults, and the next steps after `new` are commands that work."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from generator import highlight as hl
from generator.cli import cli
from generator.compare.text import CONTINUED, wrap_tokens
from tests.helpers import ROOT

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def dualgen(*args: str, cwd: Path, env: dict[str, str] | None = None):
    """`dualgen ARGS` as a separate process, its output piped (not a terminal)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
    environment["PYTHONPATH"] = str(ROOT)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


# --- width -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "columns"),
    [
        pytest.param(["compare", "--preset", "production"], 80, id="compare-80"),
        pytest.param(["compare", "--preset", "production"], 132, id="compare-132"),
        pytest.param(["options"], 80, id="options-80"),
        pytest.param(
            ["diff", "flask", "--from", "default", "--to", "production"], 80, id="diff-80"
        ),
    ],
)
def test_output_fits_the_width_columns_gives(command, columns, tmp_path):
    result = dualgen(*command, cwd=tmp_path, env={"COLUMNS": str(columns)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns
    if command[0] != "options":
        assert any(CONTINUED in line for line in lines)  # long lines wrapped, not cut
        # A long block may end in "… N more lines"; no line is ever cut short.
        assert "…" not in re.sub(r"… \d+ more lines?", "", result.stdout)


def test_compare_uses_the_width_it_is_given(tmp_path):
    wide = dualgen("compare", "--preset", "api", cwd=tmp_path, env={"COLUMNS": "160"})
    narrow = dualgen("compare", "--preset", "api", cwd=tmp_path, env={"COLUMNS": "80"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 100
    assert len(narrow.stdout.splitlines()) > len(wide.stdout.splitlines())


def test_a_piped_diff_keeps_whole_lines_as_a_patch_needs(tmp_path):
    result = dualgen("diff", "flask", "--from", "default", "--to", "production", cwd=tmp_path)
    assert result.returncode == 0
    assert CONTINUED not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) > 100


CODE = [
    pytest.param(
        "python",
        "        response.data = json.dumps({'error': error.name, 'detail': 'Internal Server'})",
        id="python",
    ),
    pytest.param(
        "javascript",
        "  app.use(rateLimit({ windowMs: 60 * 1000, limit: 100, standardHeaders: 'draft-7' }));",
        id="javascript",
    ),
    pytest.param("python", "x = '" + "a" * 70 + "'", id="string-longer-than-a-row"),
    pytest.param("javascript", "// " + "word " * 30, id="comment"),
]


@pytest.mark.parametrize("width", [20, 34, 47], ids=["w20", "w34", "w47"])
@pytest.mark.parametrize(("language", "line"), CODE)
def test_wrapped_code_keeps_every_character_and_breaks_between_tokens(language, line, width):
    (row,) = hl.lines(line, language)
    rows = wrap_tokens(row, width)
    texts = ["".join(value for _, value in tokens) for tokens in rows]
    assert len(rows) > 1
    assert all(len(text) <= width for text in texts)
    assert "".join("".join(text.split()) for text in texts) == "".join(line.split())
    strings = [value for kind, value in row if kind == "str" and len(value) <= width - 8]
    for value in strings:  # a string that fits a row is never broken
        assert any(value in text for text in texts)


# --- colour ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        pytest.param([], {}, False, id="piped"),
        pytest.param(["--color"], {}, True, id="color-flag"),
        pytest.param(["--color"], {"NO_COLOR": "1"}, True, id="flag-beats-NO_COLOR"),
        pytest.param(["--no-color"], {}, False, id="no-color-flag"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["options"], id="options"),
        pytest.param(["compare"], id="compare"),
        pytest.param(["diff", "flask", "--to", "default+cors"], id="diff"),
    ],
)
def test_colour_follows_the_flags_and_the_output(command, args, env, coloured, tmp_path):
    result = dualgen(*command, *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert bool(ANSI.search(result.stdout)) is coloured


def test_the_group_flag_reaches_every_command(tmp_path):
    result = dualgen("--color", "options", cwd=tmp_path)
    assert ANSI.search(result.stdout)


# --- help --------------------------------------------------------------------------------


def commands(group: click.Group = cli, path: str = "dualgen"):
    for name, command in sorted(group.commands.items()):
        yield f"{path} {name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{path} {name}")


@pytest.mark.parametrize(("path", "command"), list(commands()), ids=lambda v: str(v))
def test_every_command_shows_examples_and_defaults(path, command, tmp_path):
    assert command.epilog and "Examples:" in command.epilog, path
    result = dualgen(*path.split()[1:], "--help", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0
    assert "Examples:" in result.stdout
    assert f"  {path} " in result.stdout  # the examples show whole command lines
    for option in command.params:
        default = getattr(option, "default", None)
        if isinstance(option, click.Option) and not option.is_flag and _given(default):
            assert f"[default: {default}" in " ".join(result.stdout.split()), option.name


def _given(default: object) -> bool:
    """Whether an option has a default to show (Click marks a missing one by a sentinel)."""
    return isinstance(default, str | int | float | Path) and not isinstance(default, bool)


def test_help_never_breaks_a_url_or_a_flag_across_lines(tmp_path):
    for path, _ in commands():
        result = dualgen(*path.split()[1:], "--help", cwd=tmp_path, env={"COLUMNS": "80"})
        for line in result.stdout.splitlines():
            assert not re.search(r"https?://\S*[./-]$", line), (path, line)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        pytest.param(["new", "django"], "Try 'dualgen new -h' for help.", id="choice"),
        pytest.param(["new"], "Try 'dualgen new -h' for help.", id="missing"),
        pytest.param(
            ["verify", "--budget", "0", "."], "Try 'dualgen verify -h' for help.", id="range"
        ),
        pytest.param(["nonsense"], "Try 'dualgen -h' for help.", id="command"),
    ],
)
def test_usage_errors_keep_clicks_hint_on_their_one_line(args, hint, tmp_path):
    result = dualgen(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("dualgen: error: ")
    assert result.stderr.rstrip().endswith(hint), result.stderr


# --- options -----------------------------------------------------------------------------


def test_options_speaks_precisely_and_lists_every_preset_choice(tmp_path):
    out = dualgen("options", cwd=tmp_path).stdout
    assert not re.search(r"(flask|express) +built in", out)
    assert "no package beyond Flask. A ten-line WSGI middleware" in out
    production = out[out.index("  production  ") :]
    assert "config env-file, production-server, docker, tests" in " ".join(production.split())


def test_options_wrapped_text_stays_in_its_column(tmp_path):
    out = dualgen("options", cwd=tmp_path, env={"COLUMNS": "80"}).stdout
    for line in out.splitlines():
        if line.startswith(" " * 5):  # a wrapped line: it continues the text column
            assert re.match(r" {22}\S", line), line


def test_options_format_json_and_the_old_flag_agree(tmp_path):
    new = dualgen("options", "--format", "json", cwd=tmp_path)
    old = dualgen("options", "--json", cwd=tmp_path)
    assert json.loads(new.stdout) == json.loads(old.stdout)
    assert "--json" not in dualgen("options", "--help", cwd=tmp_path).stdout


# --- next steps ----------------------------------------------------------------------------


def steps(out: str) -> list[str]:
    return [line.strip().split("  #")[0].strip() for line in out.splitlines() if line[:2] == "  "]


def test_next_steps_cd_lines_work_in_sequence(tmp_path):
    result = dualgen("new", "both", "My Shop", "-o", "out dir", "--no-input", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cds = [line for line in steps(result.stdout) if line.startswith("cd ")]
    assert cds == ["cd 'out dir/my-shop-flask'", "cd ../my-shop-express"]
    shell = subprocess.run(
        ["sh", "-c", " && ".join([*cds, "pwd"])], cwd=tmp_path, capture_output=True, text=True
    )
    assert shell.stdout.strip() == str(tmp_path / "out dir" / "my-shop-express")


@pytest.mark.parametrize(
    ("args", "flask", "express"),
    [
        pytest.param(
            [],
            [
                "python3 -m venv .venv",
                ". .venv/bin/activate",
                "pip install -r requirements.txt",
                "python app.py",
            ],
            ["npm install", "npm start"],
            id="default",
        ),
        pytest.param(
            ["--tests", "--production-server", "--docker"],
            [
                "python3 -m venv .venv",
                ". .venv/bin/activate",
                "pip install -r requirements-dev.txt",
                "python -m pytest",
                "python app.py",
                "gunicorn app:app",
                "docker build -t s-flask . && docker run --rm -p 5000:5000 s-flask",
            ],
            [
                "npm install",
                "npm test",
                "npm start",
                "npm run start:prod",
                "docker build -t s-express . && docker run --rm -p 3000:3000 s-express",
            ],
            id="tests-production-docker",
        ),
    ],
)
def test_next_steps_follow_the_choices(args, flask, express, tmp_path):
    result = dualgen("new", "both", "s", "--no-input", *args, cwd=tmp_path)
    lines = steps(result.stdout)
    split = lines.index("cd ../s-express")
    assert lines[1:split] == flask
    assert lines[split + 1 :] == express


@pytest.mark.parametrize("framework", ["flask", "express"])
def test_the_next_steps_and_the_readme_build_one_image_name(framework, tmp_path):
    result = dualgen("new", framework, "shop", "--docker", "--no-input", cwd=tmp_path)
    port = {"flask": 5000, "express": 3000}[framework]
    build = f"docker build -t shop-{framework} ."
    run = f"docker run --rm -p {port}:{port} shop-{framework}"
    assert f"{build} && {run}" in steps(result.stdout)
    readme = (tmp_path / "shop" / "README.md").read_text(encoding="utf-8")
    assert f"{build}\n{run}\n" in readme


# --- verify ------------------------------------------------------------------------------


def test_verify_production_without_a_production_server_is_one_line(tmp_path):
    assert dualgen("new", "flask", "--no-input", cwd=tmp_path).returncode == 0
    cache = tmp_path / "cache"
    result = dualgen(
        "verify", "hello", "--production", cwd=tmp_path, env={"DUALGEN_CACHE_DIR": str(cache)}
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "dualgen: error: hello has no production server (production-server was not chosen); "
        "verify it without --production\n"
    )
    assert not cache.exists()  # refused before installing anything


def test_verify_help_says_it_checks_the_recorded_choices(tmp_path):
    out = " ".join(dualgen("verify", "--help", cwd=tmp_path).stdout.split())
    assert "Check a generated PROJECT against the choices it was generated with" in out
    assert "A hand edit that changes an answer is reported as a failure" in out


NUMBER_OPTIONS = [
    (path, option)
    for path, command in commands()
    for option in command.params
    if isinstance(option, click.Option)
    and isinstance(option.type, click.IntRange | click.FloatRange)
]


@pytest.mark.parametrize(
    ("path", "option"), NUMBER_OPTIONS, ids=[f"{p} {o.opts[-1]}" for p, o in NUMBER_OPTIONS]
)
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e999", "²"])
def test_every_number_option_refuses_what_is_no_number_in_range(path, option, value, tmp_path):
    """nan passes any comparison-based range check; ² passes str.isdigit() but not int()."""
    result = dualgen(*path.split()[1:], option.opts[-1], value, cwd=tmp_path)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Invalid value for" in result.stderr, result.stderr
