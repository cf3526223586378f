"""Part 2: many projects in one process: dualgen, cookiecutter's API, bare Jinja."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import (
    FRAMEWORKS,
    TEMPLATES,
    Section,
    Target,
    log,
    median,
    paired_ratio,
    ratio,
    rotate,
    spread,
)
from generator import spec as specs
from generator.render import ANSWERS_FILE, render_tree

PRESETS: dict[str, dict[str, object]] = {
    "classic": {"preset": "classic"},
    "api": {"preset": "api"},
    "production": {"preset": "production"},
    "default": {},
}
PROJECT_DIR = "{{cookiecutter.project_slug}}"

Renderer = Callable[[str, str, Path], None]


@contextmanager
def template_on_path(framework: str) -> Iterator[None]:
    """The template's local Jinja extension (dualgen_<framework>_ext) must import."""
    folder = str(TEMPLATES / framework)
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)


def with_dualgen(preset: str, framework: str, into: Path) -> None:
    render_tree(specs.build(dict(PRESETS[preset])), framework, into)


def with_cookiecutter(config_file: Path) -> Renderer:
    from cookiecutter.main import cookiecutter

    def render(preset: str, framework: str, into: Path) -> None:
        spec = specs.build(dict(PRESETS[preset]))
        cookiecutter(
            str(TEMPLATES / framework),
            no_input=True,
            extra_context=spec.context(framework),
            output_dir=str(into),
            config_file=str(config_file),
        )

    return render


@dataclass
class FloorTemplate:
    """One template file, compiled once: its path template and its content template."""

    path: object
    content: object


class JinjaFloor:
    """The least work giving the same files: compiled templates, rendered and written.

    The cookiecutter context (defaults, computed variables) and the file list the
    post-generation hook would keep are worked out once, before timing.
    """

    def __init__(self) -> None:
        import jinja2

        self.templates: dict[str, list[FloorTemplate]] = {}
        self.contexts: dict[tuple[str, str], dict[str, object]] = {}
        self.keep: dict[tuple[str, str], set[str]] = {}
        for framework in FRAMEWORKS:
            root = TEMPLATES / framework / PROJECT_DIR
            with template_on_path(framework):
                env = jinja2.Environment(
                    # the same search path as cookiecutter's: shared partials in templates/
                    loader=jinja2.FileSystemLoader([root, TEMPLATES / framework / "templates"]),
                    undefined=jinja2.StrictUndefined,
                    keep_trailing_newline=True,
                    extensions=[f"dualgen_{framework}_ext.Filters"],
                )
            self.templates[framework] = [
                FloorTemplate(
                    env.from_string(str(path.relative_to(root))),
                    env.from_string(path.read_text(encoding="utf-8")),
                )
                for path in sorted(root.rglob("*"))
                if path.is_file()
            ]

    def prepare(self, preset: str, framework: str, reference: Path) -> None:
        """Take the context and the kept files of a project from a reference render."""
        from cookiecutter.generate import generate_context
        from cookiecutter.prompt import prompt_for_config

        spec = specs.build(dict(PRESETS[preset]))
        template = TEMPLATES / framework
        with template_on_path(framework):
            context = generate_context(
                context_file=str(template / "cookiecutter.json"),
                extra_context=spec.context(framework),
            )
            context["cookiecutter"] = prompt_for_config(context, no_input=True)
        self.contexts[(preset, framework)] = context
        self.keep[(preset, framework)] = {
            str(path.relative_to(reference))
            for path in reference.rglob("*")
            if path.is_file() and path.name != ANSWERS_FILE
        }

    def render(self, preset: str, framework: str, into: Path) -> None:
        context = self.contexts[(preset, framework)]
        keep = self.keep[(preset, framework)]
        project = into / str(context["cookiecutter"]["project_slug"])
        for template in self.templates[framework]:
            relative = template.path.render(context)
            if relative not in keep:
                continue
            target = project / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(template.content.render(context), encoding="utf-8", newline="\n")


def check_floor(floor: JinjaFloor, reference: Path, preset: str, framework: str) -> None:
    """The floor must write exactly the files dualgen writes, byte for byte."""
    with tempfile.TemporaryDirectory() as tmp:
        floor.render(preset, framework, Path(tmp))
        produced = Path(tmp) / reference.name
        for name in floor.keep[(preset, framework)]:
            if (produced / name).read_bytes() != (reference / name).read_bytes():
                raise RuntimeError(
                    f"the Jinja floor differs from dualgen on {preset}/{framework}: {name}"
                )


def prepare_floor(work: Path) -> JinjaFloor:
    floor = JinjaFloor()
    for preset in PRESETS:
        for framework in FRAMEWORKS:
            reference = render_tree(
                specs.build(dict(PRESETS[preset])),
                framework,
                work / f"ref-{preset}-{framework}",
            )
            floor.prepare(preset, framework, reference)
            check_floor(floor, reference, preset, framework)
    return floor


def time_batch(render: Renderer, repeats: int, work: Path) -> float:
    """Render every preset for both frameworks `repeats` times; return projects/s."""
    out = Path(tempfile.mkdtemp(dir=work))
    count = 0
    started = time.perf_counter()
    for _ in range(repeats):
        for preset in PRESETS:
            for framework in FRAMEWORKS:
                render(preset, framework, out / str(count))
                count += 1
    elapsed = time.perf_counter() - started
    shutil.rmtree(out)
    return count / elapsed


def measure(rounds: int, repeats: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="dualgen-bench-render-") as tmp:
        work = Path(tmp)
        config = work / "cookiecutter.yaml"
        config.write_text(
            f"replay_dir: {work / 'replay'}\ncookiecutters_dir: {work / 'cookiecutters'}\n"
        )
        floor = prepare_floor(work)
        renderers: dict[str, Renderer] = {
            "dualgen (spec.build + render.render_tree)": with_dualgen,
            "cookiecutter.main.cookiecutter": with_cookiecutter(config),
            "bare Jinja floor": floor.render,
        }
        rates: dict[str, list[float]] = {name: [] for name in renderers}
        for number in range(rounds + 1):  # round 0 warms imports and caches and is dropped
            for name in rotate(list(renderers), number):
                rate = time_batch(renderers[name], repeats if number else 1, work)
                if number:
                    rates[name].append(rate)
    return rates


def section(rounds: int, repeats: int) -> Section:
    log(
        f"part 2: rendering in one process, {rounds} rounds of "
        f"{repeats}×{len(PRESETS) * 2} projects"
    )
    rates = measure(rounds, repeats)
    dualgen, peer, floor = list(rates)
    rows = [[name, f"{median(values):.1f}", spread(values)] for name, values in rates.items()]
    # time per project is 1/rate, so the time ratio a/b is rate_b / rate_a
    to_floor = paired_ratio(rates[floor], rates[dualgen])
    to_peer = paired_ratio(rates[peer], rates[dualgen])
    peer_to_floor = paired_ratio(rates[floor], rates[peer])
    return Section(
        title="2. Many projects in one process",
        intro=(
            f"Every preset ({', '.join(PRESETS)}) for both frameworks, {repeats} "
            f"times per round ({repeats * len(PRESETS) * 2} projects), {rounds} "
            "rounds after a dropped warm-up round, the three ways interleaved. The "
            "floor loads and compiles the template files once, then per project "
            "renders each kept file with jinja2 (plus the template's "
            "`dualgen_<framework>_ext.Filters`, found through sys.path) and writes "
            "it; its output is checked byte for byte against dualgen's before timing."
        ),
        tables=[
            (["renderer", "projects/s (median)", "range"], rows),
            (
                ["time per project, paired ratio", "median"],
                [
                    ["dualgen / bare Jinja floor", ratio(to_floor)],
                    ["dualgen / cookiecutter API", ratio(to_peer)],
                    ["cookiecutter API / bare Jinja floor", ratio(peer_to_floor)],
                ],
            ),
        ],
        notes=[
            "Both run the template's post-generation hook: cookiecutter's API starts it "
            "as a separate Python process for every project, dualgen runs it in-process; "
            "the floor skips the files the hook would delete. dualgen shares compiled "
            "templates between projects; cookiecutter compiles every file again for "
            "every project.",
        ],
        commands=[
            "generator.render.render_tree(generator.spec.build(answers), framework, folder)",
            "cookiecutter.main.cookiecutter(template, no_input=True, "
            "extra_context=spec.context(framework), output_dir=folder)",
        ],
        targets=[
            Target(
                "in-process render vs bare-Jinja floor (time per project)",
                ratio(to_floor),
                "≤ 1.50×",
                to_floor <= 1.5,
            )
        ],
    )
