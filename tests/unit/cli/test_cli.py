import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator import catalog
from generator.cli import main

ARTICLE_FLASK = """from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello():
    return 'Hello, World!'


if __name__ == '__main__':
    app.run(debug=True)
"""
ARTICLE_EXPRESS = """const express = require('express');
const app = express();

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

app.listen(3000, () => {
  console.log('Server running on http://localhost:3000/');
});
"""


def dualgen(*args: str, capsys) -> tuple[int, str, str]:
    """Run main() as the console script does; return exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_new_flask_writes_the_hello_world(tmp_path, capsys):
    code, out, _ = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert code == 0, out
    project = tmp_path / "hello"
    assert files(project) == [
        ".dualgen.yaml",
        ".gitignore",
        "README.md",
        "app.py",
        "pyproject.toml",  # its formatter configuration: ruff format --check . passes
        "requirements.txt",
    ]
    assert (project / "pyproject.toml").read_text() == (
        "[tool.ruff]\n"
        "# The oldest Python the project supports: ruff then suggests nothing newer.\n"
        "target-version = 'py310'\n\n"
        "[tool.ruff.format]\nquote-style = 'single'\n"
    )
    app = (project / "app.py").read_text()
    assert "@app.route('/')\ndef hello():\n    return 'Hello, World!'" in app
    assert "port=int(os.environ.get('PORT', '5000'))" in app
    assert (project / "requirements.txt").read_text() == "flask==3.1.3\n"


def test_new_express_writes_the_hello_world(tmp_path, capsys):
    code, out, _ = dualgen(
        "new", "express", "My App", "--no-input", "-o", str(tmp_path), capsys=capsys
    )
    assert code == 0, out
    project = tmp_path / "my-app"
    assert files(project) == [
        ".dualgen.yaml",
        ".gitignore",
        ".prettierignore",  # .dualgen.yaml: dualgen writes it in its own format
        ".prettierrc",  # single quotes: npx prettier --check . passes
        "README.md",
        "app.js",
        "package.json",
    ]
    app = (project / "app.js").read_text()
    assert "app.get('/', (req, res) => {\n  res.send('Hello, World!');\n});" in app
    assert "console.log(`Server running on http://localhost:${port}/`);" in app
    manifest = json.loads((project / "package.json").read_text())
    assert manifest["scripts"]["start"] == "node app.js"
    assert manifest["dependencies"] == {"express": "5.3.0"}
    assert (project / "README.md").read_text().startswith("# My App\n")


def test_new_both_writes_side_by_side(tmp_path, capsys):
    code, _, _ = dualgen("new", "both", "shop", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop-express", "shop-flask"]


def test_classic_reproduces_the_article_exactly(tmp_path, capsys):
    code, _, _ = dualgen(
        "new", "both", "--preset", "classic", "--no-input", "-o", str(tmp_path), capsys=capsys
    )
    assert code == 0
    assert (tmp_path / "hello-flask" / "app.py").read_text() == ARTICLE_FLASK
    assert (tmp_path / "hello-express" / "app.js").read_text() == ARTICLE_EXPRESS


def test_dry_run_lists_files_and_writes_nothing(tmp_path, capsys):
    code, out, _ = dualgen(
        "new", "flask", "--preset", "api", "--dry-run", "-o", str(tmp_path), capsys=capsys
    )
    assert code == 0
    assert "  hello/routes.py" in out and "  tests/test_app.py" in out
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_refused_and_kept(tmp_path, capsys):
    (tmp_path / "hello").mkdir()
    (tmp_path / "hello" / "notes.txt").write_text("mine")
    code, out, err = dualgen("new", "flask", "--no-input", "-o", str(tmp_path), capsys=capsys)
    assert code == 2
    assert err.count("\n") == 1 and "already exists; use --force" in err
    assert files(tmp_path / "hello") == ["notes.txt"]


def test_force_replaces_template_files_and_keeps_the_others(tmp_path, capsys):
    project = tmp_path / "hello"
    project.mkdir()
    (project / "notes.txt").write_text("mine")
    (project / "app.py").write_text("old")
    code, _, _ = dualgen(
        "new", "flask", "--no-input", "--force", "-o", str(tmp_path), capsys=capsys
    )
    assert code == 0
    assert (project / "notes.txt").read_text() == "mine"
    assert "Hello, World!" in (project / "app.py").read_text()


def test_force_never_writes_through_a_symlink(tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("precious")
    project = tmp_path / "out" / "hello"
    project.mkdir(parents=True)
    (project / "app.py").symlink_to(outside / "app.py")
    code, _, _ = dualgen(
        "new", "flask", "--no-input", "--force", "-o", str(tmp_path / "out"), capsys=capsys
    )
    assert code == 0
    assert (outside / "app.py").read_text() == "precious"
    assert not (project / "app.py").is_symlink()


def test_a_symlinked_destination_is_refused(tmp_path, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "hello").symlink_to(tmp_path / "real")
    code, _, err = dualgen(
        "new", "flask", "--no-input", "--force", "-o", str(tmp_path), capsys=capsys
    )
    assert code == 2 and "is a symlink" in err
    assert list((tmp_path / "real").iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "django"], "'django' is not one of"),
        (["new", "flask", "../x"], "is a path"),
        (["new", "flask", ""], "is empty"),
        (["new", "flask", "--port", "99999"], "from 1 to 65535"),
        (["new", "flask", "--port", "eighty"], "from 1 to 65535"),
        (["new", "flask", "--host", "bad host"], "not an IP address"),
        (["new", "flask", "-m", "cors,teleport"], "middleware 'teleport' is unknown"),
        (["new", "flask", "--preset", "huge"], "preset 'huge' is unknown"),
        (["new", "flask", "-r", "GET users"], "must start with '/'"),
        (["new", "flask", "-r", "GET /a", "-r", "GET /a"], "duplicates"),
        (["new", "flask", "-r", "GET"], "must be 'METHOD /path'"),
        (["new", "flask", "--set", "rate-limit.max=5"], "rate-limit is not chosen"),
        (["new", "flask", "--set", "nonsense"], "must look like MIDDLEWARE.SETTING=VALUE"),
        (["new", "flask", "--debug", "--host", "0.0.0.0"], "expose the debugger"),
        (["new", "flask", "--debug", "--production-server"], "debug with production-server"),
        (["new", "flask", "--answers", "missing.yaml"], "cannot be read"),
    ],
    ids=[
        "framework",
        "name-path",
        "name-empty",
        "port-range",
        "port-word",
        "host",
        "middleware",
        "preset",
        "route-slash",
        "route-duplicate",
        "route-shape",
        "setting-unchosen",
        "setting-shape",
        "debug-host",
        "debug-production",
        "answers-missing",
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    args, message, tmp_path, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, _, err = dualgen(*args, "--no-input", capsys=capsys)
    assert code == 2
    assert err.count("\n") == 1, err
    assert message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name: [unclosed", "not valid YAML at line 1"),
        ("- a\n- b\n", "must hold a mapping"),
        ("name: x\ncolour: red\n", "answer key 'colour' is unknown"),
        ("port: [80]\n", "from 1 to 65535"),
        ("routes: {GET: /}\n", "must be a list"),
        ("middleware: [cors]\nsettings: {cors: {origins: 5}}\n", "must be a list of origins"),
    ],
    ids=[
        "bad-yaml",
        "not-a-mapping",
        "unknown-key",
        "wrong-type",
        "routes-mapping",
        "origins-type",
    ],
)
def test_malformed_answer_files_are_refused(content, message, tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text(content)
    code, _, err = dualgen(
        "new", "flask", "--answers", str(answers), "-o", str(tmp_path / "out"), capsys=capsys
    )
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_recorded_answers_reproduce_the_project_byte_for_byte(tmp_path, capsys):
    args = [
        "new",
        "express",
        "Shop",
        "--preset",
        "production",
        "-m",
        "static",
        "-r",
        "GET /users/{id:int}",
    ]
    assert (
        dualgen(*args, "--set", "rate-limit.max=7", "-o", str(tmp_path / "a"), capsys=capsys)[0]
        == 0
    )
    answers = tmp_path / "a" / "shop" / ".dualgen.yaml"
    assert (
        dualgen(
            "new", "express", "--answers", str(answers), "-o", str(tmp_path / "b"), capsys=capsys
        )[0]
        == 0
    )
    first, second = tmp_path / "a" / "shop", tmp_path / "b" / "shop"
    assert files(first) == files(second)
    for name in files(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_flags_override_the_answer_file(tmp_path, capsys):
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: from-file\nport: 8000\nmiddleware: [cors]\n")
    code, _, _ = dualgen(
        "new",
        "flask",
        "--answers",
        str(answers),
        "--port",
        "9000",
        "-o",
        str(tmp_path),
        capsys=capsys,
    )
    assert code == 0
    recorded = (tmp_path / "from-file" / ".dualgen.yaml").read_text()
    assert "port: 9000" in recorded and "- cors" in recorded


def test_options_lists_every_choice_with_both_libraries(capsys):
    code, out, _ = dualgen("options", capsys=capsys)
    assert code == 0
    for choice in catalog.MIDDLEWARE + catalog.CONFIG:
        assert choice.key in out
    assert "flask-cors==6.0.5" in out and "helmet==8.3.0" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_options_json_is_the_catalog(capsys):
    code, out, _ = dualgen("options", "--json", capsys=capsys)
    data = json.loads(out)
    assert [row["key"] for row in data["choices"]] == list(catalog.CHOICES)
    assert data["pins"] == catalog.PINS


def test_help_does_not_import_cookiecutter_or_jinja():
    code = "import sys; from generator.cli import main\n"
    code += "try: main(['--help'])\nexcept SystemExit: pass\n"
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cookiecutter', 'jinja2')))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().endswith("[]")


def test_prompts_when_interactive(tmp_path, monkeypatch, capsys):
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("generator.cli._new._interactive", lambda: True)
    answers = ["Shop", "", "8080", "", "cors", "", "", "n", "n", "n", "y", "n"]
    result = CliRunner().invoke(cli, ["new", "flask"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Project name [hello]: Shop" in result.output
    recorded = (tmp_path / "shop" / ".dualgen.yaml").read_text()
    assert "port: 8080" in recorded and "- cors" in recorded and "tests: true" in recorded


def test_prompts_keep_the_settings_the_flags_gave_a_config_switch(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("generator.cli._new._interactive", lambda: True)
    flags = ["--production-server", "--set", "production-server.worker-class=gthread"]
    flags += ["--no-env-file", "--no-docker", "--no-tests"]
    # port, host, middleware, CORS origins, JSON body limit and depth, routes
    answers = ["", "", "-logging", "", "", "", ""]
    result = CliRunner().invoke(
        cli, ["new", "flask", "shop", "-p", "api", *flags], input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    recorded = yaml.safe_load((tmp_path / "shop" / ".dualgen.yaml").read_text())
    assert recorded["settings"] == {
        "cors": {"origins": ["http://localhost:5173"]},
        "json-body": {"limit": 102400, "depth": 64},
        "production-server": {"worker-class": "gthread"},
    }
