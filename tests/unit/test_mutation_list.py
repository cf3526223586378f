"""The list of excused mutants (tests/mutation/equivalents.md) and the record of what each one
changes (equivalents.lock) agree, so that no row excuses a mutant its reason is not about. The
mutation run itself is not part of the suite (CONTRIBUTING.md, "Mutation testing")."""

from __future__ import annotations

import fnmatch

from tests.helpers import ROOT
from tests.mutation.__main__ import LOCK, listed, read_lock, unrecorded, write_lock

RECORDED = read_lock(LOCK.read_text(encoding="utf-8"))


def test_every_equivalent_row_excuses_a_recorded_mutant_and_has_a_reason():
    rows = listed("Equivalent")
    stale = [row for row in rows if not fnmatch.filter(RECORDED, row)]
    assert stale == [], "rows that excuse no surviving mutant: remove them"
    assert all(len(reason) > 20 for reason in rows.values())


def test_every_recorded_mutant_is_excused_by_a_row_and_names_its_module():
    rows = listed("Equivalent")
    for name, lines in RECORDED.items():
        assert any(fnmatch.fnmatchcase(name, row) for row in rows), name
        module = name.rpartition(".")[0]
        path = ROOT / module.replace(".", "/")
        assert path.with_suffix(".py").is_file() or (path / "__init__.py").is_file(), name
        assert lines.startswith(("-", "+")), name


def test_the_record_reads_back_and_tells_a_changed_mutation_apart():
    changes = {"m.x_f__mutmut_1": "-    a = 1\n+    a = 2", "m.x_g__mutmut_3": "-    return b"}
    assert read_lock(write_lock(changes)) == changes
    assert unrecorded(changes, changes) == []
    moved = {**changes, "m.x_f__mutmut_1": "-    c = 1\n+    c = 2"}
    assert unrecorded(moved, changes) == ["m.x_f__mutmut_1"]
    assert unrecorded({**changes, "m.x_h__mutmut_9": "+    pass"}, changes) == ["m.x_h__mutmut_9"]
