"""Where the preview renders: a private folder in memory (/dev/shm) when the machine has one
this user can write, unless TMPDIR names another; the folder is gone once the tree is read."""

from __future__ import annotations

from generator import spec
from generator.ui import preview


def test_the_memory_folder_is_used_when_there_is_one(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    memory = tmp_path / "shm"
    monkeypatch.setattr(preview, "MEMORY", memory)
    missing = preview.scratch_root()
    memory.mkdir()
    found = preview.scratch_root()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    assert (missing, found, preview.scratch_root()) == (None, str(memory), None)


def test_a_preview_leaves_nothing_in_its_scratch_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("TMPDIR", raising=False)
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(preview, "MEMORY", memory)
    shown = preview.tree(spec.build({"name": "scratch-only-here"}), "express")
    assert "package.json" in {item.path for item in shown.files}
    assert list(memory.iterdir()) == []
