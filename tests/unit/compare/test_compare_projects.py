"""`dualgen compare FLASK_DIR EXPRESS_DIR`: two existing projects as they are on disk, hand edits
included, the concept map on what is there; and a folder is never taken for a project name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main


def dualgen(*args: str, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def shop(tmp_path, monkeypatch, capsys) -> Path:
    """shop-flask and shop-express, made with cors, then edited by hand: the Flask greeting
    rewritten, helmet added to the Express app, and an install and a secret beside them."""
    monkeypatch.chdir(tmp_path)
    code, _, err = dualgen("new", "both", "shop", "-m", "cors", "--no-input", capsys=capsys)
    assert (code, err) == (0, "")
    edit(tmp_path / "shop-flask" / "app.py", "'Hello, World!'", "'Hello from the shop!'")
    edit(
        tmp_path / "shop-express" / "app.js",
        "const app = express();\n",
        "const helmet = require('helmet');\n\nconst app = express();\napp.use(helmet());\n",
    )
    (tmp_path / "shop-flask" / ".venv").mkdir()
    (tmp_path / "shop-flask" / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "shop-flask" / ".env").write_text("SECRET_KEY=do-not-print\n")
    (tmp_path / "shop-express" / "node_modules" / "helmet").mkdir(parents=True)
    (tmp_path / "shop-express" / "node_modules" / "helmet" / "index.js").write_text("//\n")
    return tmp_path


def as_json(capsys, *folders: str) -> dict:
    code, out, err = dualgen("compare", *folders, "--format", "json", capsys=capsys)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_two_folders_are_compared_as_they_are_with_their_hand_edits(shop, capsys):
    data = as_json(capsys, "shop-flask", "shop-express")
    concepts = {item["key"]: item for item in data["concepts"]}
    assert list(concepts) == [
        "app",
        "route",
        "route-parameter",
        "error-handling",
        "config",
        "start",
        "dependencies",
        "tests",
        "security-headers",  # added by hand in Express only: found there, missing in Flask
        "cors",
    ]
    route = concepts["route"]["places"]
    assert "return 'Hello from the shop!'" in route["flask"]["code"]
    assert "res.send('Hello, World!');" in route["express"]["code"]
    headers = concepts["security-headers"]
    assert headers["applies"] is True and headers["resolved"] is False
    assert headers["places"]["flask"] is None
    assert headers["places"]["express"]["code"] == "app.use(helmet());"
    assert [concepts["cors"]["places"][name]["file"] for name in ("flask", "express")] == [
        "app.py",
        "app.js",
    ]
    assert {name: tree["root"] for name, tree in data["trees"].items()} == {
        "flask": "shop-flask",
        "express": "shop-express",
    }
    # .env is listed (this .gitignore does not ignore it), never shown; .venv is an install.
    assert [f["path"] for f in data["trees"]["flask"]["files"]] == [
        ".env",
        ".gitignore",
        "README.md",
        "app.py",
        "pyproject.toml",
        "requirements.txt",
    ]
    assert [f["path"] for f in data["trees"]["express"]["files"]] == [
        ".gitignore",
        ".prettierignore",
        ".prettierrc",
        "README.md",
        "app.js",
        "package.json",
    ]
    assert {name: item["folder"] for name, item in data["projects"].items()} == {
        "flask": "shop-flask",
        "express": "shop-express",
    }


def test_the_folders_can_come_in_either_order(shop, capsys):
    assert (
        as_json(capsys, "shop-express", "shop-flask")["concepts"]
        == as_json(capsys, "shop-flask", "shop-express")["concepts"]
    )


def test_the_text_names_both_folders_and_shows_the_edited_code(shop, capsys):
    code, out, err = dualgen("compare", "shop-flask", "shop-express", capsys=capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert " ".join(out.split("\n\n")[0].split()) == (
        "dualgen compare: shop-flask and shop-express (both record middleware: cors; 1 route)"
    )
    assert "Hello from the shop!" in out
    assert "do-not-print" not in out
    assert any(line.startswith("flask: not found") and "express: app.js:" in line for line in lines)


def test_different_recorded_answers_are_both_summed_up(shop, capsys):
    code, _, err = dualgen("update", "shop-express", "-m", "logging", capsys=capsys)
    assert (code, err) == (0, "")
    code, out, err = dualgen("compare", "shop-flask", "shop-express", capsys=capsys)
    assert (code, err) == (0, "")
    assert " ".join(out.split("\n\n")[0].split()) == (
        "dualgen compare: shop-flask and shop-express (flask records middleware: cors; 1 route | "
        "express records middleware: logging, cors; 1 route)"
    )


def test_a_name_that_is_no_folder_still_renders_afresh(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = dualgen("compare", "shop", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "dualgen compare: shop (1 route)"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["shop-flask"],
            "'shop-flask' is a folder, not a project name: to compare existing projects give a "
            "Flask and an Express folder (dualgen compare shop-flask OTHER_DIR).",
            id="one-folder",
        ),
        pytest.param(
            ["shop-flask", "shop-flask"],
            "'shop-flask' and 'shop-flask' are both flask projects; compare shows a Flask and an "
            "Express project side by side (dualgen diff shows what changed in one)",
            id="same-framework",
        ),
        pytest.param(
            ["shop-flask", "missing"],
            "'missing' is not a folder; two values are two project folders.",
            id="missing",
        ),
        pytest.param(
            ["empty", "shop-express"],
            "empty is neither a Flask project (app.py, requirements.txt) nor an Express project "
            "(package.json)",
            id="not-a-project",
        ),
        pytest.param(
            ["shop-flask", "shop-express", "-m", "cors"],
            "--middleware chooses what to render; two project folders are compared as they are.",
            id="choices-with-folders",
        ),
        pytest.param(
            ["a", "b", "c"],
            "compare takes a NAME or two project folders, not 3 values.",
            id="three",
        ),
    ],
)
def test_bad_folders_exit_2_with_one_line(args, message, shop, capsys):
    (shop / "empty").mkdir()
    code, out, err = dualgen("compare", *args, capsys=capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"dualgen: error: {message}")
    assert err.count("\n") == 1


def test_the_page_names_both_folders(shop, capsys):
    code, _, err = dualgen(
        "compare", "shop-flask", "shop-express", "--html", "page.html", capsys=capsys
    )
    assert (code, err) == (0, "")
    page = (shop / "page.html").read_text(encoding="utf-8")
    assert "<h1>shop-flask and shop-express: Flask and Express side by side</h1>" in page
    assert "Hello from the shop!" in page
