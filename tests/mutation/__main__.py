"""Mutation testing of dualgen's core: `python -m tests.mutation` (CONTRIBUTING.md, "Mutation").

Runs mutmut (the `dev` extra) with the settings in pyproject.toml's [tool.mutmut]: the core
modules mutated, each mutant run against the fast unit tests that reach the mutated function.
Then prints the score of each module and every survivor that tests/mutation/equivalents.md does
not list, and exits 1 if a module scores under 90% or a survivor is unlisted. That file also lists
the functions left out of the score: those only a live server exercises (integration tests).

mutmut names a mutant by its function and a number, and numbers a changed function's mutants
anew: a row of equivalents.md could then excuse another mutation than the one its reason is
about. So tests/mutation/equivalents.lock records the lines each excused mutant changes, and a
listed survivor whose change differs from the record fails the run like an unlisted one: check
its row, then record the changes again with --lock (the lock's diff shows what was excused).

mutmut 3 leaves decorated functions alone, `@property` included, and so would skip much of
routes.Route (segments, flask_rule, express_path, ...). This runner lets it mutate functions
whose only decorator is `@property`: the trampoline mutmut puts in their place keeps the
decorator, and the copies it switches between are plain functions. The two mutmut internals
this needs are checked first, so a mutmut release that moves them fails here, loudly.

    python -m tests.mutation                      # everything, afresh
    python -m tests.mutation 'generator.spec.routes*'  # again for these mutants (mutmut's patterns)
    python -m tests.mutation --report             # the table of the last run, nothing run
    python -m tests.mutation --lock               # record what each excused mutant changes
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENTS = Path(__file__).resolve().parent / "equivalents.md"
LOCK = EQUIVALENTS.with_suffix(".lock")
THRESHOLD = 90.0
DETECTED = {"killed", "timeout", "caught by type check", "segfault"}


def allow_properties() -> None:
    """Let mutmut mutate functions decorated with @property alone."""
    import libcst as cst
    from libcst.metadata import PositionProvider
    from mutmut.mutation import file_mutation

    visitor = file_mutation.MutationVisitor
    if not hasattr(visitor, "_skip_node_and_children") or not hasattr(
        file_mutation, "function_trampoline_arrangement"
    ):
        raise SystemExit("mutmut's internals moved: update tests/mutation/__main__.py")

    def is_property(node: object) -> bool:
        return (
            isinstance(node, cst.FunctionDef)
            and len(node.decorators) == 1
            and isinstance(node.decorators[0].decorator, cst.Name)
            and node.decorators[0].decorator.value == "property"
        )

    skip = visitor._skip_node_and_children

    def skip_node_and_children(self, node):
        if not is_property(node):
            return skip(self, node)
        position = self.get_metadata(PositionProvider, node, None)
        if position and position.start.line in self._ignored_node_lines:
            self.ignored_functions.add(node.name.value)
            return True
        return False

    arrange = file_mutation.function_trampoline_arrangement

    def function_trampoline_arrangement(function, mutants, class_name):
        if not is_property(function):
            return arrange(function, mutants, class_name)
        declarations, nodes, assignments, names = arrange(
            function.with_changes(decorators=[]), mutants, class_name
        )
        trampoline = nodes[0].with_changes(decorators=[*function.decorators, *nodes[0].decorators])
        return declarations, [trampoline, *nodes[1:]], assignments, names

    visitor._skip_node_and_children = skip_node_and_children
    file_mutation.function_trampoline_arrangement = function_trampoline_arrangement


def core_modules() -> list[str]:
    """The modules [tool.mutmut] mutates (only_mutate in pyproject.toml)."""
    from mutmut.configuration import config

    return config().only_mutate


def listed(section: str) -> dict[str, str]:
    """Mutant name or pattern -> reason, from the table under `## section` in equivalents.md."""
    found, current = {}, None
    for line in EQUIVALENTS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
        match = re.match(r"\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$", line)
        if match and current == section:
            found[match.group(1)] = match.group(2)
    return found


def matches(name: str, patterns: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def results() -> dict[str, dict[str, str]]:
    """Module path -> {mutant name: status}, from mutmut's records of the last run."""
    from mutmut.stats import status_by_exit_code

    found: dict[str, dict[str, str]] = {}
    for module in core_modules():
        meta = ROOT / "mutants" / f"{module}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        found[module] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return found


def change(name: str, module: str) -> str:
    """The lines a mutant removes and adds (its diff without context and line numbers)."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    lines = get_diff_for_mutant(name, path=module).splitlines()
    return "\n".join(line for line in lines[2:] if line.startswith(("-", "+")))


def read_lock(text: str) -> dict[str, str]:
    """Mutant name -> its change, from the lock's blocks: a name, then its lines."""
    blocks = (block.split("\n", 1) for block in text.strip().split("\n\n") if block)
    return {block[0]: block[1] if len(block) > 1 else "" for block in blocks}


def write_lock(changes: dict[str, str]) -> str:
    return "".join(f"{name}\n{changes[name]}\n\n" for name in sorted(changes))


def unrecorded(changes: dict[str, str], recorded: dict[str, str]) -> list[str]:
    """The excused mutants whose change is not the one recorded for them."""
    return [name for name, lines in changes.items() if recorded.get(name) != lines]


def report(lock: bool = False) -> int:
    """Print the score table and the unlisted survivors; 0 when every module passes.

    The score of a module is killed / (mutants - equivalent); mutants of the functions listed
    as out of scope (they need a live server) are not counted at all.
    """
    out_of_scope, equivalents = listed("Out of scope"), listed("Equivalent")
    failed = False
    rows = [
        "| module | mutants | out of scope | killed | equivalent | survived | score |",
        "|---|---|---|---|---|---|---|",
    ]
    unlisted: list[str] = []
    excused: dict[str, str] = {}
    for module, statuses in results().items():
        scoped = {n: s for n, s in statuses.items() if not matches(n, out_of_scope)}
        killed = sum(status in DETECTED for status in scoped.values())
        missed = [name for name, status in scoped.items() if status not in DETECTED]
        equivalent = [name for name in missed if matches(name, equivalents)]
        survived = [name for name in missed if name not in equivalent]
        unlisted += [f"{name}: {scoped[name]}" for name in survived]
        excused |= {name: change(name, module) for name in equivalent}
        counted = len(scoped) - len(equivalent)
        score = 100.0 * killed / counted if counted else 0.0
        failed |= score < THRESHOLD
        rows.append(
            f"| `{module}` | {len(statuses)} | {len(statuses) - len(scoped)} | {killed} | "
            f"{len(equivalent)} | {len(survived)} | {score:.1f}% |"
        )
    print("\n".join(rows))
    if lock:
        LOCK.write_text(write_lock(excused), encoding="utf-8")
        print(f"\nrecorded what the {len(excused)} excused mutants change in {LOCK.name}")
    recorded = read_lock(LOCK.read_text(encoding="utf-8")) if LOCK.exists() else {}
    changed = unrecorded(excused, recorded)
    if unlisted:
        print(f"\n{len(unlisted)} survivors neither killed nor listed in {EQUIVALENTS.name}:")
        print("\n".join(f"  {line}" for line in unlisted))
        print("see one with: python -m mutmut show NAME")
    if changed:
        print(
            f"\n{len(changed)} survivors listed in {EQUIVALENTS.name} change other lines than "
            f"{LOCK.name} records (their function changed?); check each row, then run --lock:"
        )
        print("\n".join(f"  {name}" for name in changed))
    return 1 if failed or unlisted or changed else 0


def main(argv: list[str]) -> int:
    if argv[:1] in (["--report"], ["--lock"]):
        return report(lock=argv[0] == "--lock")
    if not argv:
        # A whole run starts afresh: mutmut keeps earlier verdicts even when the tests changed.
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    # Fewer examples per property test: each surviving mutant runs them all.
    os.environ.setdefault("DUALGEN_ROUND_TRIP_EXAMPLES", "50")
    allow_properties()
    from mutmut.__main__ import cli

    try:
        cli(["run", *argv], standalone_mode=False)
    except SystemExit as stop:
        if stop.code:
            return int(stop.code)
    return report()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
