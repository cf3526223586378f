"""`dualgen workshop build` of the built-in workshop: git history, step folders, handout (in
Chromium, and as PDF), determinism, and every step passing verify."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import verify as verifying
from tests.helpers import ROOT, run_dualgen
from tests.integration.test_compare_browser import find_chromium, screenshot_and_dom

pytestmark = pytest.mark.integration

FRAMEWORKS = ("flask", "express")
TITLES = [
    "Hello World, as the article wrote it",
    "Port and host from the environment",
    "A route with a typed parameter",
    "JSON bodies and JSON errors",
    "Request logging and CORS",
    "Tests",
    "A production server",
    "Store data",
    "Real-time updates",
]
FOLDERS = [
    "01-hello-world",
    "02-environment",
    "03-route-parameter",
    "04-json",
    "05-logging-and-cors",
    "06-tests",
    "07-production",
    "08-store-data",
    "09-real-time",
]
AUTHOR = "dualgen workshop <workshop@dualgen.invalid>"
#: The comparison article's two programs (../shared/seed-article.txt), as step 1 must hold them.
ARTICLE = {
    ("flask", "app.py"): (
        "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef hello():\n"
        "    return 'Hello, World!'\n\n\nif __name__ == '__main__':\n    app.run(debug=True)\n"
    ),
    ("express", "app.js"): (
        "const express = require('express');\nconst app = express();\n\n"
        "app.get('/', (req, res) => {\n  res.send('Hello, World!');\n});\n\n"
        "app.listen(3000, () => {\n  console.log('Server running on http://localhost:3000/');\n"
        "});\n"
    ),
}


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    ).stdout


def build(output: Path, *args: str) -> subprocess.CompletedProcess:
    return run_dualgen("workshop", "build", "flask-vs-express", "-o", str(output), *args, cwd=ROOT)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("workshop") / "out"
    result = build(output)
    assert result.returncode == 0, result.stderr
    return output


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under folder but .git, by relative path."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and ".git" not in relative.parts:
            found[relative.as_posix()] = path.read_bytes()
    return found


def test_the_output_holds_repositories_step_folders_and_handouts(built):
    assert sorted(p.name for p in built.iterdir()) == [
        "express",
        "flask",
        "handout.html",
        "handout.md",
        "steps",
    ]
    assert sorted(p.name for p in (built / "steps").iterdir()) == FOLDERS
    for folder in FOLDERS:
        assert sorted(p.name for p in (built / "steps" / folder).iterdir()) == ["express", "flask"]


def test_step_1_is_the_articles_two_programs_exactly(built):
    for (framework, name), text in ARTICLE.items():
        assert (built / "steps" / FOLDERS[0] / framework / name).read_text() == text


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_each_repository_has_one_commit_per_step_tagged_step_n(built, framework):
    repo = built / framework
    log = git(repo, "log", "--reverse", "--format=%H%x09%an <%ae>%x09%at%x09%s", "main")
    rows = [line.split("\t") for line in log.splitlines()]
    assert [row[3] for row in rows] == TITLES
    assert {row[1] for row in rows} == {AUTHOR}
    dates = [int(row[2]) for row in rows]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert git(repo, "tag", "--list").split() == sorted(f"step-{n}" for n in range(1, 10))
    for number, (commit, *_) in enumerate(rows, 1):
        assert git(repo, "rev-parse", f"step-{number}^{{commit}}").strip() == commit
        # The tagged tree is the step folder, file for file.
        names = git(repo, "ls-tree", "-r", "--name-only", f"step-{number}").split()
        expected = files_of(built / "steps" / FOLDERS[number - 1] / framework)
        assert sorted(names) == sorted(expected)
        assert (
            git(repo, "show", f"step-{number}:.dualgen.yaml").encode()
            == (expected[".dualgen.yaml"])
        )
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"


def test_rebuilding_gives_identical_files_and_commit_ids(built, tmp_path):
    again = tmp_path / "again"
    result = build(again)
    assert result.returncode == 0, result.stderr
    for framework in FRAMEWORKS:
        assert git(again / framework, "rev-list", "--all") == git(
            built / framework, "rev-list", "--all"
        )
    assert files_of(again) == files_of(built)


def test_force_rebuilds_in_place_and_keeps_other_files(built, tmp_path):
    target = Path(shutil.copytree(built, tmp_path / "out", symlinks=True))
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    refused = build(target)
    assert refused.returncode == 2 and "already exists; use --force" in refused.stderr
    result = build(target, "--force")
    assert result.returncode == 0, result.stderr
    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    for framework in FRAMEWORKS:
        assert git(target / framework, "rev-list", "--all") == git(
            built / framework, "rev-list", "--all"
        )
        assert git(target / framework, "status", "--porcelain") == ""
        assert git(target / framework, "fsck", "--no-progress") == ""


def test_force_refuses_a_repository_with_the_users_own_commits_and_remote(built, tmp_path):
    target = Path(shutil.copytree(built, tmp_path / "out", symlinks=True))
    repo = target / "flask"
    (repo / "app.py").write_text("# mine\n", encoding="utf-8")
    user = ["-c", "user.name=Ada", "-c", "user.email=ada@example.org"]
    git(repo, *user, "commit", "-qam", "my work")
    git(repo, "remote", "add", "origin", "https://example.org/ada/workshop.git")
    mine = [
        git(repo, "rev-parse", "main"),
        git(repo, "remote", "-v"),
        git(repo, "reflog"),
        git(repo, "status", "--porcelain"),
    ]

    result = build(target, "--force")

    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == (
        f"dualgen: error: {str(repo)!r} holds a git repository that dualgen did not write "
        "(a remote, 'origin'); --force would replace its branch and history: move it away or "
        "build elsewhere\n"
    )
    assert [
        git(repo, "rev-parse", "main"),
        git(repo, "remote", "-v"),
        git(repo, "reflog"),
        git(repo, "status", "--porcelain"),
    ] == mine
    assert (repo / "app.py").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]


STEPS = [
    pytest.param(folder, framework, False, id=f"{folder}-{framework}")
    for folder in FOLDERS
    for framework in FRAMEWORKS
] + [pytest.param(FOLDERS[-1], f, True, id=f"{FOLDERS[-1]}-{f}-production") for f in FRAMEWORKS]


@pytest.mark.parametrize(("folder", "framework", "production"), STEPS)
def test_every_step_passes_verify(built, folder, framework, production):
    result = verifying.verify(built / "steps" / folder / framework, production=production)
    assert result.ok, [(c.exchange.name, c.problems) for c in result.failures]
    assert result.passed


def test_a_participant_starting_from_a_tag_passes_its_check(built, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(built / "express"), str(clone)], check=True)
    git(clone, "checkout", "-q", "step-3")
    result = run_dualgen("check", "--step", "3", str(clone), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 5 checks passed." in result.stdout


def test_the_last_step_passes_its_checks_with_production_server_and_tests(built, tmp_path):
    folders = []
    for framework in FRAMEWORKS:  # a copy: running the tests writes caches
        folders.append(
            shutil.copytree(built / "steps" / FOLDERS[-1] / framework, tmp_path / framework)
        )
    result = run_dualgen("check", "--step", "9", *map(str, folders), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(str(tmp_path))]
    assert [row[-1] for row in rows] == ["45/45", "45/45"]


def test_the_handout_shows_both_columns_of_every_step_in_chromium(built, tmp_path):
    chromium = find_chromium()
    page = (built / "handout.html").read_text(encoding="utf-8")
    assert not re.search(r"<script|<link|\bsrc=|@import", page), "the page loads something"
    # A CSS url() in a style sheet or attribute (the code shown has url( and get_engine_url().
    styles = re.findall(r"<style[^>]*>(.*?)</style>|\bstyle=\"([^\"]*)\"", page, re.S)
    assert not any("url(" in sheet + attribute for sheet, attribute in styles)
    dom = screenshot_and_dom(chromium, built / "handout.html", "workshop-handout", tmp_path)
    sections = dom.split('<section class="step"')[1:]
    assert len(sections) == len(TITLES)
    for number, (section, title) in enumerate(zip(sections, TITLES, strict=True), 1):
        assert f'id="step-{number}"' in section and title in section
        for framework in FRAMEWORKS:
            assert section.count(f'data-framework="{framework}"') == 1
            assert section.count(f'data-commands="{framework}"') == 1
        assert f"dualgen check --step {number} ." in section
    # The Express column of step 3 shows the new router file, highlighted.
    assert 'routes/index.js <span class="where">(added)' in sections[2]
    assert (
        '<span class="add">+<span class="kw">const</span> router = express.Router(' in sections[2]
    )
    # Step 5 carries the catalog's teaching notes on what each framework does on its own.
    assert "morgan('tiny'), registered before the routes" in sections[4]
    assert "cors = CORS(origins=[...]), bound with init_app" in sections[4]
    # Steps 8 and 9: the migrations' commands, and each framework's way to stream.
    assert "flask db upgrade" in sections[7] and "npm run migrate" in sections[7]
    assert "stream_with_context" in sections[8] and "res.flushHeaders()" in sections[8]
    assert "event stream: resumes after Last-Event-ID" in sections[8]


def test_pdf_prints_the_handout_one_step_per_page(tmp_path):
    find_chromium()
    result = run_dualgen(
        "workshop", "build", "flask-vs-express", "-o", "out", "--pdf", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "out" / "handout.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    assert pages >= len(TITLES) + 1  # the contents, then every step from a new page


def test_pdf_without_chromium_fails_in_one_line_and_writes_nothing(tmp_path):
    (tmp_path / "bin").mkdir()
    env = dict(os.environ, PATH=str(tmp_path / "bin"))
    result = subprocess.run(
        [sys.executable, "-m", "generator", "workshop", "build", "flask-vs-express"]
        + ["-o", str(tmp_path / "out"), "--pdf"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("dualgen: error: --pdf needs Chromium")
    assert not (tmp_path / "out").exists()
