"""The pure parts of `dualgen update`: the new answers, what happens to each file, the merge3
fallback, the side-by-side rows, what the output says; and bad input (exit 2, one line)."""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

import pytest

from generator import spec as specs
from generator import update as updating
from generator.cli import main
from generator.errors import RunError, SpecError
from generator.project import finish_interrupted
from generator.render import render_tree
from generator.update.view import describe_changes, render_summary, side_by_side

OLD = specs.build(
    {
        "name": "shop",
        "middleware": ["logging", "cors"],
        "settings": {"cors": {"origins": ["https://a.example"]}},
        "routes": [{"method": "GET", "path": "/items"}, {"method": "POST", "path": "/items"}],
    }
)


def dualgen(*args: str, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_new_answers_are_the_recorded_ones_with_the_flags_merged_in():
    new = updating.new_spec(OLD, {"middleware": ["json-body"], "docker": True})
    assert new.middleware == ("logging", "cors", "json-body")
    assert new.settings["cors"] == {"origins": ("https://a.example",)}
    assert new.switches == ("production-server", "docker")  # docker implies it
    assert [route.label for route in new.routes] == ["GET /", "GET /items", "POST /items"]


def test_removing_middleware_drops_its_settings_and_removing_a_route_keeps_the_others():
    new = updating.new_spec(OLD, {}, remove_middleware=["cors"], remove_routes=["POST /items"])
    assert new.middleware == ("logging",)
    assert "cors" not in new.settings
    assert [route.label for route in new.routes] == ["GET /", "GET /items"]
    assert describe_changes(OLD, new) == ["- middleware cors", "- route POST /items"]


def test_the_changes_are_described_one_line_each():
    new = updating.new_spec(
        OLD,
        {"settings": {"cors": {"origins": "https://b.example"}}, "port": 8000, "tests": True},
        remove_middleware=["logging"],
        remove_routes=["GET /items"],
    )
    assert describe_changes(OLD, new) == [
        "port None -> 8000",
        "- middleware logging",
        "cors.origins: ['https://a.example'] -> ['https://b.example']",
        "- route GET /items",
        "+ tests",
    ]


@pytest.mark.parametrize(
    ("layer", "remove_middleware", "remove_routes", "message"),
    [
        ({}, ["nope"], [], "middleware 'nope' is unknown; allowed: health,"),
        (
            {},
            ["rate-limit"],
            [],
            "middleware 'rate-limit' is not chosen, so it cannot be removed; "
            "chosen: logging, cors$",
        ),
        ({"middleware": ["cors"]}, ["cors"], [], "middleware 'cors' is both added and removed"),
        (
            {},
            [],
            ["DELETE /items"],
            "route 'DELETE /items' is not chosen, so it cannot be removed; chosen: GET /, GET "
            "/items, POST /items$",
        ),
        ({}, [], ["/items"], "route '/items' must be 'METHOD /path'"),
    ],
    ids=["unknown", "not-chosen", "added-and-removed", "route-absent", "route-malformed"],
)
def test_removing_what_is_not_there_is_refused(layer, remove_middleware, remove_routes, message):
    with pytest.raises(SpecError, match="^" + message.replace("(", r"\(")):
        updating.new_spec(
            OLD, layer, remove_middleware=remove_middleware, remove_routes=remove_routes
        )


def no_merge(current: bytes, base: bytes, target: bytes, path: str) -> tuple[bytes, bool]:
    raise AssertionError("no merge is needed here")


def merge3(current: bytes, base: bytes, target: bytes, path: str) -> tuple[bytes, bool]:
    return updating.merge_file(current, base, target, path, "merge3")


B, T, P = b"a\nb\nc\n", b"a\nB\nc\n", b"a\nb\nc\nmine\n"


@pytest.mark.parametrize(
    ("base", "target", "current", "action", "after"),
    [
        (B, B, P, None, None),
        (B, T, T, None, None),
        (None, T, None, "added", T),
        (B, None, B, "removed", None),
        (B, None, None, None, None),
        (B, None, P, "conflict", P),
        (B, T, None, "restored", T),
        (B, T, B, "updated", T),
        (B, T, P, "merged", b"a\nB\nc\nmine\n"),
        (B, T, b"a\nX\nc\n", "conflict", None),
        (None, T, b"other\n", "conflict", None),
        (B, T, b"a\0b\nc\n", "conflict", b"a\0b\nc\n"),
    ],
    ids=[
        "unchanged-by-the-update",
        "already-there",
        "new-file",
        "removed",
        "deleted-and-removed",
        "removed-but-edited",
        "deleted-but-changed",
        "untouched-by-hand",
        "merged",
        "same-lines",
        "added-both-ways",
        "binary",
    ],
)
def test_each_file_is_decided_from_base_target_and_project(base, target, current, action, after):
    item = updating.decide("f.txt", base, target, current, merge3 if action else no_merge)
    assert (item.action if item else None) == action
    if action == "conflict" and after is None:
        assert item.after.startswith(b"a\n" if base else b"") and b"<<<<<<< f.txt (yours)\n" in (
            item.after
        )
        assert b"=======\n" in item.after and b">>>>>>> f.txt (new answers)\n" in item.after
    elif item is not None:
        assert item.after == after


def test_merge3_marks_a_conflict_as_git_does():
    merged, clean = updating.merge_file(b"a\nX\nc\n", B, T, "app.py", "merge3")
    assert not clean
    assert merged == (
        b"a\n<<<<<<< app.py (yours)\nX\n=======\nB\n>>>>>>> app.py (new answers)\nc\n"
    )


def test_side_by_side_rows_align_both_sides():
    rows = side_by_side(["a", "b", "c"], ["a", "B", "B2", "c"])
    assert rows == [
        (("hunk", "", "@@ -1,3 +1,4 @@"), ("hunk", "", "@@ -1,3 +1,4 @@")),
        (("ctx", "1", "a"), ("ctx", "1", "a")),
        (("del", "2", "b"), ("add", "2", "B")),
        (("ctx", "", ""), ("add", "3", "B2")),
        (("ctx", "3", "c"), ("ctx", "4", "c")),
    ]


def test_a_base_from_another_dualgen_version_is_said_plainly(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path)
    answers = project / ".dualgen.yaml"
    answers.write_text(answers.read_text().replace("dualgen: ", "dualgen: 0.0.1-"))
    plan = updating.plan_update(project, {"middleware": ["cors"]})
    summary = render_summary(plan)
    assert "the project was made with dualgen 0.0.1-" in summary
    assert f"rendered with dualgen {updating.__version__}, the only version here" in summary


def test_an_update_with_nothing_to_change_writes_nothing(tmp_path, capsys):
    project = render_tree(
        specs.build({"name": "shop", "middleware": ["cors"]}), "express", tmp_path
    )
    before = snapshot(project)
    code, out, err = dualgen("update", str(project), "-m", "cors", capsys=capsys)
    assert (code, err) == (0, "")
    assert "shop is up to date: nothing to change." in out
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing"], "'missing' is not a folder"),
        (["."], "is neither a Flask project"),
        (["shop", "-m", "nope"], "middleware 'nope' is unknown"),
        (["shop", "--remove-middleware", "cors"], "middleware 'cors' is not chosen, so it cannot"),
        (["shop", "--remove-route", "GET /x"], "route 'GET /x' is not chosen, so it cannot be"),
        (["shop", "--set", "cors.origins=x"], "settings of cors are given but cors is not chosen"),
        (["shop", "--html", "shop"], "File 'shop' is a directory"),
    ],
    ids=["missing", "not-a-project", "unknown", "remove-absent", "route-absent", "setting", "html"],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    args, message, tmp_path, capsys, monkeypatch
):
    render_tree(specs.build({"name": "shop"}), "flask", tmp_path)
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, _, err = dualgen("update", *args, capsys=capsys)
    assert code == 2 and err.count("\n") == 1, err
    assert message in err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("tool", ["git", "merge3"])
def test_each_merge_tool_keeps_hand_edits_and_marks_conflicts_with_the_path(tool):
    assert updating.merge_file(P, B, T, "app.py", tool) == (b"a\nB\nc\nmine\n", True)
    assert updating.merge_file(b"a\nX\nc\n", B, T, "src/app.py", tool) == (
        b"a\n<<<<<<< src/app.py (yours)\nX\n=======\nB\n>>>>>>> src/app.py (new answers)\nc\n",
        False,
    )


def test_the_project_file_is_read_only_as_a_plain_file_in_plain_folders(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_bytes(b"mine\n")
    (tmp_path / "README.md").mkdir()
    (tmp_path / "link.py").symlink_to(tmp_path / "src" / "app.py")
    (tmp_path / "file").write_bytes(b"")
    assert updating.read_current(tmp_path, "src/app.py") == b"mine\n"
    assert updating.read_current(tmp_path, "src/missing.py") is None
    assert updating.read_current(tmp_path, "nowhere/app.py") is None
    refused = {
        "README.md": "README.md' must be a file for the update; move it away",
        "link.py": "link.py' is a symbolic link where the update writes; dualgen never",
        "file/app.py": "file' must be a folder for the update; move it away",
    }
    for path, message in refused.items():
        with pytest.raises(updating.DestinationError, match=message):
            updating.read_current(tmp_path, path)


def test_a_base_from_this_dualgen_version_says_so():
    assert updating._base_note(updating.__version__) == (
        f"the recorded answers rendered with dualgen {updating.__version__}, which recorded them"
    )
    assert updating._base_note(None) == (
        f"the recorded answers rendered with dualgen {updating.__version__}, the only version "
        "here: the project was made with an unrecorded dualgen version, so where the two differ "
        "the project's lines count as hand edits (kept, and they may conflict)"
    )


def test_an_applied_update_writes_every_planned_file_and_keeps_hand_edits(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    app = project / "app.py"
    app.write_text(app.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    assert (plan.framework, plan.tool, plan.old.middleware, plan.new.middleware) == (
        "flask",
        "git",
        (),
        ("cors",),
    )
    actions = {item.path: item.action for item in plan.files}
    assert actions["app.py"] == "merged" and actions[".dualgen.yaml"] == "updated"
    assert plan.conflicts == [] and plan.writes == list(plan.files)
    assert plan.writes[-1].path == ".dualgen.yaml"  # moved in last: it says the update is done
    updating.apply_update(plan)
    for item in plan.files:
        assert (project / item.path).read_bytes() == item.after, item.path
    assert app.read_text(encoding="utf-8").endswith("# mine\n")
    assert "cors" in (project / ".dualgen.yaml").read_text(encoding="utf-8")
    assert not [path for path in project.iterdir() if path.name.startswith(".dualgen-update")]
    again = updating.plan_update(project, {}, tool="git")
    assert again.files == ()


def test_an_update_refuses_a_file_changed_after_it_was_planned(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "express", tmp_path / "shop")
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="merge3")
    changed = project / plan.writes[0].path
    changed.write_bytes(b"changed\n")
    before = snapshot(project)
    with pytest.raises(updating.RunError) as error:
        updating.apply_update(plan)
    assert str(error.value) == (
        f"{plan.writes[0].path} changed while the update was computed; nothing was changed: "
        "run dualgen update again"
    )
    assert snapshot(project) == before


def test_each_decision_records_the_path_both_versions_and_its_note():
    F = updating.FileUpdate
    edited = "the update deletes it but it was changed by hand: kept as it is, delete it yourself"
    binary = "a binary file changed by hand and by the update: kept as it is"
    markers = "changed by hand and by the update: resolve the <<<<<<< ======= >>>>>>> markers"
    kept = "hand edits kept"
    conflict = b"a\n<<<<<<< f (yours)\nX\n=======\nB\n>>>>>>> f (new answers)\nc\n"
    cases = [
        ((None, T, None), F("f", "added", None, T)),
        ((B, None, B), F("f", "removed", B, None)),
        ((B, None, P), F("f", "conflict", P, P, note=edited)),
        ((B, T, None), F("f", "restored", None, T, note="deleted by hand; the update changes it")),
        ((B, T, B), F("f", "updated", B, T)),
        ((B, T, P), F("f", "merged", P, b"a\nB\nc\nmine\n", note="hand edits kept")),
        ((B, T, b"a\nX\nc\n"), F("f", "conflict", b"a\nX\nc\n", conflict, note=markers)),
        ((B, T, b"a\0"), F("f", "conflict", b"a\0", b"a\0", note=binary)),
        ((B, b"\0", P), F("f", "conflict", P, P, note=binary)),
        ((b"\0", T, P), F("f", "conflict", P, P, note=binary)),
    ]
    for (base, target, current), expected in cases:
        assert updating.decide("f", base, target, current, merge3) == expected
    # an empty file where the update adds one merges as a change from nothing
    assert updating.decide("f", None, T, b"", merge3) == F("f", "merged", b"", T, note=kept)
    assert updating.decide("f", None, T, P, merge3).after == (
        b"<<<<<<< f (yours)\na\nb\nc\nmine\n=======\na\nB\nc\n>>>>>>> f (new answers)\n"
    )
    assert F("f", "removed", B, None).writes and not F("f", "conflict", P, P).writes


def test_a_new_folder_is_made_for_added_files_and_removed_with_them(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    before = snapshot(project)
    added = updating.plan_update(project, {"routes": [{"method": "GET", "path": "/items"}]})
    assert [(item.path, item.action) for item in added.files][2:4] == [
        ("shop/__init__.py", "added"),
        ("shop/routes.py", "added"),
    ]
    updating.apply_update(added)
    assert sorted(path.name for path in (project / "shop").iterdir()) == [
        "__init__.py",
        "routes.py",
    ]
    removed = updating.plan_update(project, {}, remove_routes=["GET /items"])
    updating.apply_update(removed)
    assert not (project / "shop").exists()
    assert snapshot(project) == before


def full_disk(target: str) -> OSError:
    return OSError(28, "No space left on device", str(target))


def break_moves(monkeypatch, fails, error) -> None:
    """Make the nth `os.replace` raise `error(target)` when `fails(n)`; the others move."""
    real_replace, moves = os.replace, []

    def replace(source, target):
        moves.append(target)
        if fails(len(moves)):
            raise error(target)
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)


def test_a_failed_move_puts_back_the_files_already_moved(tmp_path, monkeypatch):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    before = snapshot(project)
    plan = updating.plan_update(project, {"routes": [{"method": "GET", "path": "/items"}]})
    break_moves(monkeypatch, lambda n: n == 4, full_disk)  # the 4th: shop/routes.py
    with pytest.raises(updating.RunError) as error:
        updating.apply_update(plan)
    monkeypatch.undo()
    assert str(error.value) == (
        "the update could not be applied (No space left on device "
        f"({project / 'shop' / 'routes.py'})); the project is as it was"
    )
    assert snapshot(project) == before
    assert not (project / "shop").exists()
    assert [path.name for path in project.iterdir() if path.name.startswith(".dualgen-")] == []


def test_the_merge_tool_is_git_when_installed_else_merge3(tmp_path, monkeypatch):
    assert updating.merge_tool() == "git"
    monkeypatch.setenv("PATH", str(tmp_path))
    assert updating.merge_tool() == "merge3"


def test_without_git_or_merge3_the_update_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "merge3", None)  # import merge3 raises ImportError
    with pytest.raises(updating.RunError) as error:
        updating.merge_tool()
    assert str(error.value) == (
        "a three-way merge needs git (git merge-file) or the merge3 library; "
        "install git, or run: pip install merge3"
    )
    assert error.value.__suppress_context__


def test_a_project_file_that_cannot_be_read_is_named_with_the_reason(tmp_path, monkeypatch):
    long_name = "x" * 300
    with pytest.raises(updating.DestinationError) as error:
        updating.read_current(tmp_path, f"{long_name}/app.py")
    assert str(error.value) == f"cannot read {str(tmp_path / long_name)!r}: File name too long"
    assert error.value.__suppress_context__

    (tmp_path / "app.py").write_bytes(b"mine\n")

    def unreadable(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    with pytest.raises(updating.DestinationError) as error:
        updating.read_current(tmp_path, "app.py")
    assert str(error.value) == f"cannot read {str(tmp_path / 'app.py')!r}: Permission denied"
    assert error.value.__suppress_context__


def test_a_move_that_cannot_be_undone_names_the_files_and_keeps_them(tmp_path, monkeypatch):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    before = snapshot(project)
    plan = updating.plan_update(project, {"routes": [{"method": "GET", "path": "/items"}]})
    assert [item.path for item in plan.writes][:4] == [
        "README.md",
        "app.py",
        "shop/__init__.py",
        "shop/routes.py",
    ]
    break_moves(monkeypatch, lambda n: n >= 4, full_disk)  # the 4th, and every move back
    with pytest.raises(updating.RunError) as error:
        updating.apply_update(plan)
    monkeypatch.undo()
    staging = [path for path in project.iterdir() if path.name.startswith(".dualgen-update-")]
    assert len(staging) == 1 and re.fullmatch(r"\.dualgen-update-[0-9a-f]{12}", staging[0].name)
    assert str(error.value) == (
        f"the update failed (No space left on device ({project / 'shop' / 'routes.py'})) and "
        f"could not be undone for app.py, README.md; the previous files are in {str(staging[0])!r}"
    )
    assert (staging[0] / "0.before").read_bytes() == before["README.md"]
    assert (staging[0] / "1.before").read_bytes() == before["app.py"]
    assert (staging[0] / "undo.json").is_file()  # the next run finishes the undo
    assert not (project / "shop").exists()  # the added file was taken back, its folder too
    assert (project / "app.py").read_bytes() == plan.writes[1].after
    assert finish_interrupted(project) == [
        f"undid an update of {str(project)!r} that was interrupted"
    ]
    assert snapshot(project) == before


def test_a_file_changed_while_the_update_moves_in_is_left_and_named(tmp_path, monkeypatch):
    from generator import journal

    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    real_stage = journal.stage

    def stage(folder, changes):
        staging = real_stage(folder, changes)
        (project / "app.py").write_bytes(b"# an editor saved this meanwhile\n")
        (project / "README.md").write_bytes(b"# and this\n")
        return staging

    monkeypatch.setattr(journal, "stage", stage)
    with pytest.raises(RunError) as error:
        updating.apply_update(plan)
    assert str(error.value) == (
        "the update is applied but for README.md, app.py: changed while it was applied, left "
        "as they are"
    )
    assert (project / "app.py").read_bytes() == b"# an editor saved this meanwhile\n"
    assert "cors" in (project / ".dualgen.yaml").read_text(encoding="utf-8")
    assert [path.name for path in project.iterdir() if path.name.startswith(".dualgen-")] == []


def test_removing_middleware_from_a_project_without_any_says_it_has_none():
    with pytest.raises(SpecError) as error:
        updating.new_spec(specs.build({"name": "shop"}), {}, remove_middleware=["cors"])
    assert str(error.value) == (
        "middleware 'cors' is not chosen, so it cannot be removed; chosen: none"
    )


def test_a_plan_lists_files_as_a_tree_keeps_their_modes_and_merges_with_git(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "express", tmp_path / "shop")
    os.chmod(project / "app.js", 0o600)
    os.chmod(project / ".dualgen.yaml", 0o640)
    layer = {"routes": [{"method": "GET", "path": "/items"}], "production-server": True}
    plan = updating.plan_update(project, layer)
    assert plan.tool == "git"
    assert [(item.path, item.action) for item in plan.files] == [
        ("README.md", "updated"),
        ("app.js", "updated"),
        ("package.json", "updated"),
        ("server.js", "added"),
        ("routes/index.js", "added"),  # files before folders, as a tree lists them
        (".dualgen.yaml", "updated"),
    ]
    modes = {item.path: item.mode for item in plan.files}
    assert (modes["app.js"], modes[".dualgen.yaml"], modes["server.js"]) == (0o600, 0o640, 0o644)
    updating.apply_update(plan)
    assert stat.S_IMODE(os.stat(project / "app.js").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(project / ".dualgen.yaml").st_mode) == 0o640


@pytest.mark.parametrize("tool", ["git", "merge3"])
def test_a_plan_marks_a_conflict_with_the_files_path(tool, tmp_path, monkeypatch):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    app = project / "app.py"
    app.write_text(app.read_text().replace("'5000'", "'5001'"), encoding="utf-8")
    if tool == "merge3":  # merge3 alone: no git to fall back on
        monkeypatch.setenv("PATH", str(tmp_path))
    plan = updating.plan_update(project, {"port": 8000}, tool=tool)
    assert [item.path for item in plan.conflicts] == ["app.py"]
    assert (
        b"<<<<<<< app.py (yours)\n"
        b"        port=int(os.environ.get('PORT', '5001')),\n"
        b"=======\n"
        b"        port=int(os.environ.get('PORT', '8000')),\n"
        b">>>>>>> app.py (new answers)\n"
    ) in plan.conflicts[0].after


def test_new_recorded_answers_alone_are_an_update(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    answers = project / ".dualgen.yaml"
    rendered = answers.read_bytes()
    answers.write_bytes(rendered.replace(b"dualgen: ", b"dualgen: 0.0.1-"))
    plan = updating.plan_update(project, {}, tool="git")
    assert plan.files == (
        updating.FileUpdate(".dualgen.yaml", "updated", answers.read_bytes(), rendered),
    )


def test_an_update_that_cannot_be_staged_leaves_the_project_as_it_was(tmp_path, monkeypatch):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    before = snapshot(project)
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name.startswith(".dualgen-update-"):
            raise OSError(28, "No space left on device")
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(updating.RunError) as error:
        updating.apply_update(plan)
    assert str(error.value) == f"cannot stage the update in {project}: No space left on device"
    assert snapshot(project) == before


def test_a_failure_without_an_error_number_is_told_as_it_was_raised(tmp_path, monkeypatch):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    before = snapshot(project)
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    break_moves(monkeypatch, lambda n: n == 2, lambda target: OSError("cross-device link"))
    with pytest.raises(updating.RunError) as error:
        updating.apply_update(plan)
    monkeypatch.undo()
    assert str(error.value) == (
        "the update could not be applied (cross-device link); the project is as it was"
    )
    assert snapshot(project) == before


def test_folders_are_made_and_removed_at_every_depth(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path / "shop")
    spec = specs.build({"name": "shop"})

    def apply(*files):
        updating.apply_update(updating.Update(project, "flask", spec, spec, "", "git", files))

    F = updating.FileUpdate
    apply(F("a/b/c.txt", "added", None, b"c\n"), F("d/e.txt", "added", None, b"e\n"))
    assert (project / "a" / "b" / "c.txt").read_bytes() == b"c\n"
    apply(F("a/b/c.txt", "removed", b"c\n", None))
    assert not (project / "a").exists()  # a/b, then a: both left empty
    apply(F("a/keep.txt", "added", None, b"k\n"), F("a/b/c.txt", "added", None, b"c\n"))
    apply(F("a/b/c.txt", "removed", b"c\n", None), F("d/e.txt", "removed", b"e\n", None))
    assert sorted(path.name for path in (project / "a").iterdir()) == ["keep.txt"]
    assert not (project / "d").exists()  # a is not empty: d is still looked at


# --- what to install after an update ----------------------------------------------------------

EXPRESS_INSTALL = (
    "package.json changed: install the dependencies before you start the server:\n"
    "  cd shop && npm install\n"
)


def project_in(tmp_path: Path, framework: str, answers: dict[str, object], monkeypatch) -> Path:
    """A rendered project in tmp_path/shop, tmp_path the current folder."""
    monkeypatch.chdir(tmp_path)
    return render_tree(specs.build({"name": "shop", **answers}), framework, Path("."))


def test_an_update_that_adds_a_package_ends_with_the_install_command(tmp_path, capsys, monkeypatch):
    project_in(tmp_path, "express", {}, monkeypatch)
    code, out, err = dualgen("update", "shop", "-m", "security-headers", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.endswith(
        "3 files changed, .dualgen.yaml records the new answers.\n" + EXPRESS_INSTALL
    )


@pytest.mark.skipif(os.name == "nt", reason="the POSIX path of the virtualenv's python")
@pytest.mark.parametrize(
    ("answers", "args", "venv", "command"),
    [
        pytest.param(
            {},
            ["-m", "cors"],
            True,
            ".venv/bin/python -m pip install -r requirements.txt",
            id="venv",
        ),
        pytest.param(
            {},
            ["-m", "cors", "--tests"],
            False,
            "python3 -m venv .venv && .venv/bin/python -m pip install -r requirements-dev.txt",
            id="no-venv-dev",
        ),
        pytest.param(
            {"tests": True},
            ["-m", "compression"],
            True,
            ".venv/bin/python -m pip install -r requirements-dev.txt",
            id="dev-kept",
        ),
    ],
)
def test_a_flask_update_installs_with_pip_into_the_projects_venv(
    answers, args, venv, command, tmp_path, capsys, monkeypatch
):
    project = project_in(tmp_path, "flask", answers, monkeypatch)
    if venv:
        (project / ".venv").mkdir()
    monkeypatch.chdir(project)
    code, out, err = dualgen("update", ".", *args, capsys=capsys)
    assert (code, err) == (0, "")
    assert out.endswith(
        f" changed: install the dependencies before you start the server:\n  {command}\n"
    )


def test_an_update_that_changes_no_package_file_says_nothing_of_installing(
    tmp_path, capsys, monkeypatch
):
    project_in(tmp_path, "flask", {}, monkeypatch)
    code, out, err = dualgen("update", "shop", "-m", "logging", "--install", capsys=capsys)
    assert (code, err) == (0, "")
    assert out.endswith("2 files changed, .dualgen.yaml records the new answers.\n")
    assert not (tmp_path / "shop" / ".venv").exists()


def test_a_dry_run_says_what_to_install_after_the_update(tmp_path, capsys, monkeypatch):
    project_in(tmp_path, "express", {}, monkeypatch)
    code, out, _ = dualgen("update", "shop", "-m", "cors", "--dry-run", capsys=capsys)
    assert code == 0
    assert out.endswith(
        "package.json would change: after the update, install the dependencies:\n"
        "  cd shop && npm install\n"
    )


def test_a_conflict_in_a_package_file_says_to_install_once_it_is_resolved(
    tmp_path, capsys, monkeypatch
):
    project = project_in(tmp_path, "express", {}, monkeypatch)
    package = project / "package.json"
    text = package.read_text(encoding="utf-8")
    package.write_text(text.replace('"5.3.0"', '"5.3.0",\n    "zod": "4.0.0"'), encoding="utf-8")
    code, out, err = dualgen("update", "shop", "-m", "security-headers", capsys=capsys)
    assert code == 1
    assert err == "dualgen: have conflicts to resolve: package.json\n"
    assert out.endswith(
        "package.json changed: once the conflicts are resolved, install the dependencies:\n"
        "  cd shop && npm install\n"
    )


def test_install_with_dry_run_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    project = project_in(tmp_path, "express", {}, monkeypatch)
    before = snapshot(project)
    code, out, err = dualgen("update", "shop", "--install", "--dry-run", capsys=capsys)
    assert (code, out) == (2, "")
    assert err == (
        "dualgen: error: --install and --dry-run exclude each other: a dry run changes nothing "
        "to install. Try 'dualgen update -h' for help.\n"
    )
    assert snapshot(project) == before


def test_install_runs_each_step_in_the_project_and_stops_at_a_failed_one(
    tmp_path, capsys, monkeypatch
):
    project = project_in(tmp_path, "express", {}, monkeypatch)
    steps = [
        [sys.executable, "-c", "import os; open('ran', 'w').write(os.getcwd())"],
        [sys.executable, "-c", "raise SystemExit(3)"],
        [sys.executable, "-c", "open('not-reached', 'w')"],
    ]
    monkeypatch.setattr(updating, "install_steps", lambda plan: steps)
    code, out, err = dualgen("update", "shop", "-m", "cors", "--install", capsys=capsys)
    assert code == 1
    assert out.endswith(
        f"package.json changed: installing the dependencies in shop: {sys.executable} -c "
        "'import os; open('\"'\"'ran'\"'\"', '\"'\"'w'\"'\"').write(os.getcwd())' && "
        f"{sys.executable} -c 'raise SystemExit(3)' && {sys.executable} -c "
        "'open('\"'\"'not-reached'\"'\"', '\"'\"'w'\"'\"')'\n"
    )
    assert err == (
        f"dualgen: error: `{sys.executable} -c raise SystemExit(3)` failed (exit 3) in "
        f"{project.resolve()}; the update is applied: fix what it printed and run it there again\n"
    )
    assert (project / "ran").read_text() == str(project.resolve())
    assert not (project / "not-reached").exists()


def test_an_update_that_drops_the_tests_installs_from_requirements_txt(tmp_path, monkeypatch):
    project = project_in(tmp_path, "flask", {"tests": True}, monkeypatch)
    (project / ".venv").mkdir()
    plan = updating.plan_update(project, {"tests": False, "middleware": ["cors"]}, tool="git")
    assert updating.install_steps(plan) == [
        [".venv/bin/python", "-m", "pip", "install", "-r", "requirements.txt"]
    ]


def test_on_windows_the_venv_is_made_with_python_and_its_python_is_in_scripts(
    tmp_path, monkeypatch
):
    project = project_in(tmp_path, "flask", {}, monkeypatch)
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    with monkeypatch.context() as patch:
        patch.setattr(updating.os, "name", "nt")
        steps = updating.install_steps(plan)
    assert steps == [
        ["python", "-m", "venv", ".venv"],
        [".venv\\Scripts\\python", "-m", "pip", "install", "-r", "requirements.txt"],
    ]


def test_an_install_command_that_cannot_start_is_one_line(tmp_path, monkeypatch):
    project = project_in(tmp_path, "express", {}, monkeypatch)
    plan = updating.plan_update(project, {"middleware": ["cors"]}, tool="git")
    with pytest.raises(RunError) as error:
        updating.install(plan, [["no-such-installer-here", "install"]])
    assert str(error.value) == (
        f"cannot run `no-such-installer-here install` in {project.resolve()}: "
        "No such file or directory"
    )


def test_adding_and_removing_resources_is_described():
    """A resource added by `update -r 'resource …'` is named, not 'no change to the answers'."""
    things = {"resource": "/things", "fields": {"name": "str", "price": "float?"}}
    with_items = updating.new_spec(OLD, {"routes": [things]})
    assert describe_changes(OLD, with_items) == ["+ resource /things"]
    changed = updating.new_spec(
        with_items,
        {"routes": [{"resource": "/things", "fields": {"name": "str"}}]},
        remove_routes=["resource /things name:str price:float?"],
    )
    assert describe_changes(with_items, changed) == ["~ resource /things"]
    assert describe_changes(with_items, OLD) == ["- resource /things"]


def test_the_summary_of_an_added_resource_names_it(tmp_path):
    project = render_tree(specs.build({"name": "shop"}), "flask", tmp_path)
    things = {"resource": "/things", "fields": {"name": "str"}}
    plan = updating.plan_update(project, {"routes": [things]})
    first = render_summary(plan, dry_run=True).splitlines()[0]
    assert first == "Would update shop (flask): + resource /things"
