"""The layout CONTRIBUTING.md draws holds: which part of generator/ may import which (read from the
imports themselves, so the picture cannot drift), no module over 400 lines, no function over 60,
and every package installed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

GENERATOR = ROOT / "generator"

#: The parts of generator/, from the top down. A part may import the parts below it, never one
#: above it nor (unless EXCEPTIONS says so) one beside it. CONTRIBUTING.md draws the same table.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("cli", "ui"),
    ("workshop", "update", "bench", "parity", "compare"),
    ("verify",),
    ("contract", "project", "databases"),
    ("render",),
    ("spec",),
    ("catalog",),
    ("routes", "literals", "runner"),
    ("bounds", "files", "cache", "journal", "sse"),
    ("processes", "highlight"),
    ("signals", "watchdog"),
    ("errors",),
)

#: Arrows between parts of one layer, each with its reason.
EXCEPTIONS = {
    ("cli", "ui"): "`dualgen ui` is one of the CLI's commands",
    ("ui", "cli"): "the page builds its `dualgen new` line with the CLI's own parser",
    ("workshop", "compare"): "a step's diff and --annotate use compare's trees and concepts",
    ("update", "compare"): "update shows its changes with compare's diff",
    ("bench", "compare"): "the bench page is drawn with compare's page.css, as every page is",
}

#: Modules that belong to another part than their folder says: a route's grammar is read by the
#: catalog too, so it sits below it.
PARTS = {"generator.spec.routes": "routes", "generator.spec.route_values": "routes"}


def part_of(module: str) -> str:
    if module in PARTS:
        return PARTS[module]
    name = module.split(".")[1] if "." in module else module
    return name


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = modules()


def imports_of(module: str, path: Path) -> set[str]:
    """The generator modules one module imports, lazily too, relative imports resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
    return {name for name in found if name in MODULES and name != "generator"}


def arrows() -> set[tuple[str, str, str]]:
    """(from part, to part, from module) for every import across parts."""
    found = set()
    for module, path in MODULES.items():
        for target in imports_of(module, path):
            a, b = part_of(module), part_of(target)
            if a != b:
                found.add((a, b, module))
    return found


LAYER_OF = {part: n for n, layer in enumerate(LAYERS) for part in layer}


def test_every_part_of_generator_has_a_layer():
    parts = {part_of(module) for module in MODULES if module != "generator"}
    assert parts - set(LAYER_OF) == set(), "add the new part to LAYERS and CONTRIBUTING.md"
    assert set(LAYER_OF) - parts == set(), "a part in LAYERS no longer exists"


def test_every_import_runs_down_the_layers():
    wrong = sorted(
        f"{module} ({a}) imports {b}"
        for a, b, module in arrows()
        if LAYER_OF[b] < LAYER_OF[a] or (LAYER_OF[b] == LAYER_OF[a] and (a, b) not in EXCEPTIONS)
    )
    assert wrong == []


def test_every_exception_is_used_and_explained():
    used = {(a, b) for a, b, _ in arrows()}
    assert set(EXCEPTIONS) - used == set(), "an exception no import needs: remove it"
    assert all(len(why) > 20 for why in EXCEPTIONS.values())


def test_the_runner_knows_no_spec():
    # It installs and serves a folder; what a project is and how many workers it runs with are
    # read above it (generator/project.py).
    reached = {b for a, b, _ in arrows() if a == "runner"}
    assert reached <= {"bounds", "cache", "processes", "errors", "files", "signals", "watchdog"}
    # the reading finds such an import where it is: project.py reads answers and renders
    assert {b for a, b, _ in arrows() if a == "project"} >= {"render", "spec"}


def test_compare_uses_the_cache_not_the_runner():
    found = arrows()
    assert "runner" not in {b for a, b, _ in found if a == "compare"}
    assert ("compare", "cache", "generator.compare.html") in found


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def _long_functions() -> dict[str, int]:
    found = {}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 60:
                    found[f"{module}.{node.name}"] = length
    return found


def test_no_function_is_over_60_lines():
    assert _long_functions() == {}


def test_every_package_is_installed_with_its_data():
    tomllib = pytest.importorskip("tomllib")
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    packages = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in GENERATOR.rglob("__init__.py")
    }
    assert packages <= set(setuptools["packages"])
    for package in packages:
        folder = ROOT.joinpath(*package.split("."))
        data = [p for p in folder.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")] + [
            p for p in folder.iterdir() if p.is_dir() and not (p / "__init__.py").exists()
        ]
        data = [p for p in data if p.name != "__pycache__"]
        if data:
            assert package in setuptools["package-data"], (package, data)


@pytest.mark.parametrize("part", sorted(LAYER_OF))
def test_contributing_draws_every_part(part):
    assert f"`{part}`" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_no_two_test_files_share_a_name():
    # pytest imports a test file by its name alone (no __init__.py in tests/): a second file of
    # the same name in another folder stops the whole run at collection.
    names = sorted(path.name for path in (ROOT / "tests").rglob("test_*.py"))
    assert sorted(set(names)) == names, [name for name in names if names.count(name) > 1]
