"""`dualgen update` on real generated projects: hand edits survive adding and removing choices,
an edit on the lines the update changes is a conflict (markers, exit 1), the file set can change
(one file to the package layout), a failure leaves the project as it was, and a git repository
with uncommitted changes is refused."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.errors import RunError
from tests.helpers import require_tools, run_dualgen

FRAMEWORKS = ["flask", "express"]
APP = {"flask": "app.py", "express": "app.js"}
#: Hand edits, as (generated text, edited text): a comment, a response text, a route by hand.
EDITS = {
    "flask": [
        ("import os\n", "# Shop service, maintained by hand.\nimport os\n"),
        (
            "    return 'Hello, World!'\n",
            "    return 'Hello from the shop!'\n\n\n"
            "@app.route('/ping')\ndef ping():\n    return 'pong'\n",
        ),
    ],
    "express": [
        ("'use strict';\n", "'use strict';\n// Shop service, maintained by hand.\n"),
        (
            "  res.send('Hello, World!');\n});\n",
            "  res.send('Hello from the shop!');\n});\n\n"
            "app.get('/ping', (req, res) => {\n  res.send('pong');\n});\n",
        ),
    ],
}
#: The lines the cors middleware writes, and its package.
CORS_LINES = {
    "flask": ("from flask_cors import CORS\n", "cors = CORS(origins=['http://localhost:5173'])\n"),
    "express": ("const cors = require('cors');\n", "app.use(cors({ origin: CORS_ORIGINS }));\n"),
}
CORS_PACKAGE = {
    "flask": ("requirements.txt", "flask-cors=="),
    "express": ("package.json", '"cors"'),
}


def new(tmp_path: Path, framework: str, *args: str) -> Path:
    result = run_dualgen("new", framework, "shop", "--no-input", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "shop"


def edit(project: Path, framework: str, edits: list[tuple[str, str]]) -> None:
    app = project / APP[framework]
    text = app.read_text(encoding="utf-8")
    for old, new_text in edits:
        assert text.count(old) == 1, (old, text)
        text = text.replace(old, new_text)
    app.write_text(text, encoding="utf-8")


def snapshot(project: Path) -> dict[str, bytes | None]:
    """Every file and folder of a project (folders as None)."""
    return {
        path.relative_to(project).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(project.rglob("*"))
    }


def update(project: Path, *args: str) -> subprocess.CompletedProcess:
    return run_dualgen("update", str(project), *args, cwd=project.parent)


def verify(project: Path) -> None:
    result = run_dualgen("verify", str(project), cwd=project.parent)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_adding_middleware_keeps_hand_edits(framework, tmp_path):
    project = new(tmp_path, framework)
    edit(project, framework, EDITS[framework])
    edited = (project / APP[framework]).read_text(encoding="utf-8")

    result = update(project, "-m", "cors")

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"merged    {APP[framework]}" in result.stdout
    assert "+ middleware cors" in result.stdout
    text = (project / APP[framework]).read_text(encoding="utf-8")
    for _, hand in EDITS[framework]:
        assert hand in text
    for line in CORS_LINES[framework]:
        assert line in text and line not in edited
    manifest, package = CORS_PACKAGE[framework]
    assert package in (project / manifest).read_text(encoding="utf-8")
    assert "- cors\n" in (project / ".dualgen.yaml").read_text(encoding="utf-8")
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".dualgen")]
    # verify checks the recorded contract, GET / included: put the generated text back.
    edit(project, framework, [("Hello from the shop!", "Hello, World!")])
    verify(project)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_removing_middleware_removes_its_lines_and_package_and_keeps_hand_edits(
    framework, tmp_path
):
    project = new(tmp_path, framework, "-m", "logging,cors")
    edit(project, framework, EDITS[framework])

    result = update(project, "--remove-middleware", "cors")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "- middleware cors" in result.stdout
    text = (project / APP[framework]).read_text(encoding="utf-8")
    for _, hand in EDITS[framework]:
        assert hand in text
    assert "cors" not in text.lower()
    assert "morgan" in text or "app.logger" in text  # the other middleware stays
    manifest, package = CORS_PACKAGE[framework]
    assert package not in (project / manifest).read_text(encoding="utf-8")
    answers = (project / ".dualgen.yaml").read_text(encoding="utf-8")
    assert "cors" not in answers and "- logging\n" in answers


#: A hand edit on the very lines the update changes: the cors origins.
ORIGINS = {
    "flask": (
        "cors = CORS(origins=['http://localhost:5173'])",
        "cors = CORS(origins=['https://shop.example'])",
    ),
    "express": (
        "const CORS_ORIGINS = ['http://localhost:5173'];",
        "const CORS_ORIGINS = ['https://shop.example'];",
    ),
}


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_an_edit_on_the_lines_the_update_changes_is_a_conflict(framework, tmp_path):
    project = new(tmp_path, framework, "-m", "cors")
    edit(project, framework, [ORIGINS[framework], EDITS[framework][0]])
    before = snapshot(project)
    preview = update(project, "--set", "cors.origins=https://api.example", "--dry-run")
    assert preview.returncode == 1 and snapshot(project) == before
    assert preview.stderr == f"dualgen: would have conflicts: {APP[framework]}\n"

    result = update(project, "--set", "cors.origins=https://api.example")

    assert result.returncode == 1, result.stdout + result.stderr
    app = APP[framework]
    assert f"conflict  {app}" in result.stdout
    assert f"1 conflict: {app}." in result.stdout
    assert result.stderr == f"dualgen: have conflicts to resolve: {app}\n"
    text = (project / app).read_text(encoding="utf-8")
    yours = ORIGINS[framework][1]
    theirs = ORIGINS[framework][0].replace("http://localhost:5173", "https://api.example")
    markers = f"<<<<<<< {app} (yours)\n{yours}\n=======\n{theirs}\n>>>>>>> {app} (new answers)\n"
    assert markers in text
    assert EDITS[framework][0][1] in text  # the edit elsewhere merged cleanly
    assert "https://api.example" in (project / ".dualgen.yaml").read_text(encoding="utf-8")


#: What moving from the one-file layout to the package layout adds.
PACKAGE_FILES = {"flask": ["shop/__init__.py", "shop/routes.py"], "express": ["routes/index.js"]}


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_a_second_route_moves_to_the_package_layout_keeping_hand_edits(framework, tmp_path):
    project = new(tmp_path, framework)
    edit(project, framework, EDITS[framework][:1])
    (project / "NOTES.md").write_text("Written by hand.\n", encoding="utf-8")
    (project / ".gitignore").unlink()  # the update leaves it as it is: it stays deleted
    (project / "README.md").unlink()  # the update changes it: it comes back, reported

    result = update(project, "-r", "GET /items")

    assert result.returncode == 0, result.stdout + result.stderr
    for path in PACKAGE_FILES[framework]:
        assert f"added     {path}" in result.stdout
        assert (project / path).is_file()
    assert "restored  README.md" in result.stdout and (project / "README.md").is_file()
    assert not (project / ".gitignore").exists()
    assert (project / "NOTES.md").read_text(encoding="utf-8") == "Written by hand.\n"
    assert EDITS[framework][0][1] in (project / APP[framework]).read_text(encoding="utf-8")
    verify(project)


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_a_file_the_update_deletes_but_was_edited_is_kept_as_a_conflict(framework, tmp_path):
    project = new(tmp_path, framework, "-r", "GET /items")
    routes = project / PACKAGE_FILES[framework][-1]
    comment = {"flask": "# kept by hand", "express": "// kept by hand"}[framework]
    routes.write_text(routes.read_text(encoding="utf-8") + f"\n{comment}\n")
    edited = routes.read_bytes()

    result = update(project, "--remove-route", "GET /items")

    assert result.returncode == 1, result.stdout + result.stderr
    path = PACKAGE_FILES[framework][-1]
    assert f"conflict  {path}" in result.stdout and "the update deletes it" in result.stdout
    assert routes.read_bytes() == edited
    assert "/items" not in (project / APP[framework]).read_text(encoding="utf-8")


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=FRAMEWORKS)
def test_a_failure_in_the_middle_leaves_the_project_as_it_was(framework, tmp_path, monkeypatch):
    from generator import update as updating

    project = new(tmp_path, framework)
    edit(project, framework, EDITS[framework][:1])
    before = snapshot(project)
    plan = updating.plan_update(project, {"routes": [{"method": "GET", "path": "/items"}]})
    assert len(plan.writes) >= 4  # app, README, manifest, new files, answers

    # The third file that moves into the project fails as a full disk would.
    real_replace, moves = os.replace, []

    def replace(source, target):
        moves.append(target)
        if len(moves) == 3:
            raise OSError(28, "No space left on device", str(target))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(RunError, match="the project is as it was"):
        updating.apply_update(plan)
    monkeypatch.undo()

    assert snapshot(project) == before
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".dualgen")]


def git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_uncommitted_changes_in_git_are_refused_unless_forced(tmp_path):
    require_tools("git")
    project = new(tmp_path, "flask")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "generated")
    edit(project, "flask", EDITS["flask"][:1])
    before = snapshot(project)

    refused = update(project, "-m", "cors")

    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "uncommitted changes" in refused.stderr
    assert snapshot(project) == before
    forced = update(project, "-m", "cors", "--force")
    assert forced.returncode == 0, forced.stderr
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "cors")
    clean = update(project, "--remove-middleware", "cors")
    assert clean.returncode == 0, clean.stderr


def test_dry_run_prints_the_diff_and_html_shows_it_side_by_side(tmp_path):
    project = new(tmp_path, "express")
    edit(project, "express", EDITS["express"])
    before = snapshot(project)
    page = tmp_path / "update.html"

    result = update(project, "-m", "cors", "--dry-run", "--html", str(page))

    assert result.returncode == 0, result.stderr
    assert snapshot(project) == before
    assert "+const cors = require('cors');\n" in result.stdout
    assert "diff modified: app.js\n" in result.stdout
    assert "Would update shop (express): + middleware cors" in result.stdout
    html = page.read_text(encoding="utf-8")
    # app.js, package.json, .dualgen.yaml and the README's list of choices
    assert html.count('<div class="col"><header><span>now</span>') == 4
    assert html.count("<span>after the update</span>") == 4
    assert "<script" not in html
    after = html.split("after the update</span>")[1:]  # one column per changed file
    assert any("const</span> cors = require(" in column for column in after)
    # 5 lines added to app.js, 1 to package.json, 6 to .dualgen.yaml and one deleted there,
    # the CORS entry added to README.md's choices and "None: ..." deleted there.
    assert "4 files changed, 13 insertions(+), 2 deletions(-)" in result.stdout
    assert html.count('<span class="add">') == 13 and html.count('<span class="del">') == 2


def test_update_install_makes_the_new_package_loadable(tmp_path):
    """The issue's case: security-headers adds helmet, and without an install `npm start` fails
    with "Cannot find module 'helmet'"; --install runs npm install in the project. (Loading the
    app would start its server: the test loads helmet from the project folder, as app.js does.)"""
    project = new(tmp_path, "express")
    installed = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund"], cwd=project, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    load = ["node", "-e", "require('helmet'); console.log('loaded')"]
    missing = subprocess.run(load, cwd=project, capture_output=True, text=True, timeout=60)
    assert "Cannot find module 'helmet'" in missing.stderr
    result = run_dualgen("update", "shop", "-m", "security-headers", "--install", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        "package.json changed: installing the dependencies in shop: npm install\n" in result.stdout
    )
    loaded = subprocess.run(load, cwd=project, capture_output=True, text=True, timeout=60)
    assert (loaded.returncode, loaded.stdout) == (0, "loaded\n"), loaded.stderr
