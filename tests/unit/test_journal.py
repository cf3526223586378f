"""The update journal (generator/journal.py): a change staged, then made, so that a run killed
at any file-system step is finished by the next one; and what the next run says and refuses.

A kill is played here by an exception that is no OSError (the code takes it for no failure of
its own and leaves everything as it is, as SIGKILL does); tests/integration/test_update_kills.py
kills real processes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator import journal
from generator.errors import RunError

BEFORE = {
    "app.py": b"print('old')\n",
    "gone.txt": b"removed by the change\n",
    "keep.txt": b"not in the change\n",
    "pkg/old.py": b"old module\n",
    ".dualgen.yaml": b"name: old\n",
}
CHANGES = [
    journal.Change("app.py", BEFORE["app.py"], b"print('new')\n", 0o644),
    journal.Change("gone.txt", BEFORE["gone.txt"], None),
    journal.Change("new/deep/mod.py", None, b"new module\n", 0o755),
    journal.Change("pkg/old.py", BEFORE["pkg/old.py"], None),
    journal.Change(".dualgen.yaml", BEFORE[".dualgen.yaml"], b"name: new\n"),
]
AFTER = {
    "app.py": b"print('new')\n",
    "keep.txt": b"not in the change\n",
    "new/deep/mod.py": b"new module\n",
    ".dualgen.yaml": b"name: new\n",
}


class Killed(BaseException):
    """What SIGKILL does to the code: stops it between two steps, nothing cleaned up."""


def folder_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "shop"
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under folder."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


def after_tree() -> dict[str, bytes | None]:
    return {"new": None, "new/deep": None, **AFTER}


def kill_at(monkeypatch, calls: int) -> None:
    """Stop the process (Killed) at the `calls`th rename, unlink, mkdir or rmdir."""
    counted = [0]
    for name in ("replace", "rename", "unlink", "rmdir"):
        real = getattr(os, name)

        def step(*args, _real=real, **kwargs):
            counted[0] += 1
            if counted[0] == calls:
                raise Killed
            return _real(*args, **kwargs)

        monkeypatch.setattr(os, name, step)
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        counted[0] += 1
        if counted[0] == calls:
            raise Killed
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)


def test_staging_changes_nothing_but_its_folder_and_journals_every_change_in_order(tmp_path):
    folder = folder_with(tmp_path, BEFORE)
    untouched = tree(folder)
    staging = journal.stage(folder, CHANGES)
    assert {
        path: data for path, data in tree(folder).items() if not path.startswith(staging.name)
    } == untouched
    assert staging.name.startswith(".dualgen-update-") and len(staging.name) == 28
    record = json.loads((staging / "journal.json").read_text(encoding="utf-8"))

    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    assert record == {
        "changes": [
            ["app.py", sha(BEFORE["app.py"]), sha(b"print('new')\n")],
            ["gone.txt", sha(BEFORE["gone.txt"]), None],
            ["new/deep/mod.py", None, sha(b"new module\n")],
            ["pkg/old.py", sha(BEFORE["pkg/old.py"]), None],
            [".dualgen.yaml", sha(BEFORE[".dualgen.yaml"]), sha(b"name: new\n")],
        ],
        "folders": ["new", "new/deep"],
    }
    assert (staging / "2.new").stat().st_mode & 0o777 == 0o755
    assert (staging / "0.before").read_bytes() == BEFORE["app.py"]
    assert sorted(os.listdir(staging)) == [
        "0.before",
        "0.new",
        "1.before",
        "2.new",
        "3.before",
        "4.before",
        "4.new",
        "journal.json",
    ]


def test_finishing_makes_every_change_last_one_last_and_deletes_the_staging(tmp_path):
    folder = folder_with(tmp_path, BEFORE)
    moved = []
    real = os.replace

    def replace(source, target):
        moved.append(Path(target).relative_to(folder).as_posix())
        return real(source, target)

    staging = journal.stage(folder, CHANGES)
    os.replace = replace
    try:
        done = journal.finish(staging)
    finally:
        os.replace = real
    assert done == journal.Finished(forward=True)
    assert moved == ["app.py", "new/deep/mod.py", ".dualgen.yaml"]
    assert tree(folder) == after_tree()  # pkg/ went with its last file
    assert (folder / "new/deep/mod.py").stat().st_mode & 0o777 == 0o755


@pytest.mark.parametrize("calls", range(1, 40), ids=lambda n: f"call-{n}")
def test_a_run_killed_at_any_step_is_finished_by_the_next(tmp_path, monkeypatch, calls):
    folder = folder_with(tmp_path, BEFORE)
    kill_at(monkeypatch, calls)
    try:
        journal.finish(journal.stage(folder, CHANGES))
    except Killed:
        pass
    monkeypatch.undo()
    said = journal.recover(folder)
    assert said in ([], [f"finished an update of {str(folder)!r} that was interrupted"])
    assert tree(folder) in (tree(folder_with(tmp_path / "b", BEFORE)), after_tree())
    assert journal.pending(folder) == []


@pytest.mark.parametrize("calls", range(1, 12), ids=lambda n: f"call-{n}")
def test_a_recovery_killed_at_any_step_is_finished_by_the_next(tmp_path, monkeypatch, calls):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    with pytest.raises(Killed):
        kill_at(monkeypatch, 2)  # app.py moved, then killed
        journal.finish(staging)
    kill_at(monkeypatch, calls)
    try:
        journal.recover(folder)
    except Killed:
        pass
    monkeypatch.undo()
    journal.recover(folder)
    assert tree(folder) == after_tree()
    assert journal.pending(folder) == []


def test_a_staging_folder_without_a_journal_had_moved_nothing_and_is_deleted(tmp_path):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    (staging / "journal.json").unlink()
    assert journal.recover(folder) == []
    assert tree(folder) == tree(folder_with(tmp_path / "b", BEFORE))


def test_an_older_dualgens_staging_folder_is_left_and_named(tmp_path):
    folder = folder_with(tmp_path, BEFORE)
    old = folder / ".dualgen-update-0123456789ab"
    old.mkdir()
    (old / "0.old").write_bytes(b"the only copy\n")
    assert journal.recover(folder) == [
        f"{str(old)!r} was left by an update of an older dualgen that was interrupted; it "
        "holds the files that update replaced (NUMBER.old): compare them with the project, "
        "then delete it"
    ]
    assert (old / "0.old").read_bytes() == b"the only copy\n"


def test_a_file_changed_after_the_crash_is_left_as_it_is_and_named(tmp_path, monkeypatch):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    with pytest.raises(Killed):
        kill_at(monkeypatch, 1)
        journal.finish(staging)
    monkeypatch.undo()
    (folder / "app.py").write_bytes(b"print('mine')\n")
    assert journal.recover(folder) == [
        f"finished an update of {str(folder)!r} that was interrupted",
        "left as they are, changed since that update was interrupted: app.py",
    ]
    assert tree(folder) == {**after_tree(), "app.py": b"print('mine')\n"}


def test_a_failed_move_undoes_the_change_and_says_why(tmp_path, monkeypatch):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    real = os.replace
    error = OSError(28, "No space left on device")

    def replace(source, target):
        if Path(target).name == ".dualgen.yaml":
            raise error
        return real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    assert journal.finish(staging) == journal.Finished(forward=False, error=error)
    assert tree(folder) == tree(folder_with(tmp_path / "b", BEFORE))


def test_a_journal_dualgen_did_not_write_is_refused_by_name(tmp_path):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    (staging / "journal.json").write_text('{"changes": [[1, 2]]}', encoding="utf-8")
    with pytest.raises(RunError) as error:
        journal.recover(folder)
    path = staging / "journal.json"
    assert str(error.value) == (
        f"{str(path)!r} is not an update journal dualgen wrote; move it away"
    )
    (staging / "journal.json").write_text("{", encoding="utf-8")
    with pytest.raises(RunError, match="^cannot read the update journal "):
        journal.recover(folder)


def test_a_move_that_fails_while_recovering_undoes_the_update_and_says_why(tmp_path, monkeypatch):
    folder = folder_with(tmp_path, BEFORE)
    staging = journal.stage(folder, CHANGES)
    with pytest.raises(Killed):
        kill_at(monkeypatch, 2)  # app.py moved, then killed
        journal.finish(staging)
    monkeypatch.undo()
    real = os.replace

    def replace(source, target):
        if Path(target).name == "mod.py":
            raise OSError(28, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(os, "replace", replace)
    assert journal.recover(folder) == [
        f"undid an update of {str(folder)!r} that was interrupted: it could not be finished "
        "(No space left on device)"
    ]
    monkeypatch.undo()
    assert tree(folder) == tree(folder_with(tmp_path / "b", BEFORE))
    assert journal.pending(folder) == []
