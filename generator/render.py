"""Render a spec with a Cookiecutter template, and place the result without ever losing a file.

Every project is rendered into a scratch folder beside its claimed destination and moved into
place at the end (generator.files), so a failure at any point leaves the destination as it was.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import FRAMEWORKS, templates_dir
from .errors import DestinationError, RunError
from .files import Claim
from .spec import ProjectSpec, dump_answers

if TYPE_CHECKING:
    from types import CodeType

    from jinja2 import Environment, nodes
    from jinja2.bccache import Bucket

ANSWERS_FILE = ".dualgen.yaml"


def folder_name(spec: ProjectSpec, framework: str, *, both: bool = False) -> str:
    return f"{spec.slug}-{framework}" if both else spec.slug


def render_tree(spec: ProjectSpec, framework: str, into: Path) -> Path:
    """Render one framework's project into the folder `into`; return the project folder.

    This is plain Cookiecutter (generate_context, prompt_for_config, generate_files, hooks), with
    the spec as extra context and no prompts, on Jinja code compiled once per process
    (COMPILED). Threads may call it: renders run one at a time, since cookiecutter and the hook
    change the process's working folder while they run.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.generate import generate_context, generate_files
    from cookiecutter.prompt import prompt_for_config

    if framework not in FRAMEWORKS:
        raise ValueError(framework)
    template = templates_dir() / framework
    try:
        with _rendering(template):
            context = generate_context(
                context_file=str(template / "cookiecutter.json"),
                extra_context=spec.context(framework),
            )
            context["cookiecutter"] = prompt_for_config(context, no_input=True)
            context["cookiecutter"]["_template"] = str(template)
            context["cookiecutter"]["_output_dir"] = str(into)
            project = generate_files(
                repo_dir=str(template), context=context, output_dir=str(into), accept_hooks=False
            )
            _run_hooks_in_process(template, Path(project), context)
    except CookiecutterException as error:
        raise RunError(f"rendering the {framework} template failed: {error}") from error
    project_dir = Path(project)
    (project_dir / ANSWERS_FILE).write_text(dump_answers(spec), encoding="utf-8")
    return project_dir


def _run_hooks_in_process(template: Path, project: Path, context: dict[str, Any]) -> None:
    """Run the template's Python post-generation hook as cookiecutter does, minus the process.

    Cookiecutter renders the hook with the context and runs it with the same interpreter in the
    project folder; doing that here saves starting an interpreter for every project.
    """
    import cookiecutter.generate as generate  # its factory shares COMPILED while rendering
    from cookiecutter.hooks import find_hook

    for script in find_hook("post_gen_project", str(template / "hooks")) or []:
        if not script.endswith(".py"):
            raise RunError(f"hook {script} is not Python; dualgen runs Python hooks only")
        source = generate.create_env_with_context(context).from_string(
            Path(script).read_text(encoding="utf-8")
        )
        code = compile(source.render(**context), script, "exec")
        previous = os.getcwd()
        os.chdir(project)
        try:
            exec(code, {"__name__": "__main__", "__file__": script})
        except SystemExit as error:
            if error.code not in (None, 0):
                raise RunError(
                    f"the post-generation hook of {template.name} failed: {error}"
                ) from None
        except Exception as error:
            raise RunError(
                f"the post-generation hook of {template.name} failed: {error}"
            ) from error
        finally:
            os.chdir(previous)


#: Serialises render_tree: cookiecutter renders in the template's folder (os.chdir), the hook in
#: the project's, and both patch module-level names for the time of a render.
_RENDERING = threading.RLock()


class _CompiledCode:
    """Jinja code compiled once per process, shared by every project rendered in it.

    Cookiecutter builds a fresh Jinja environment for every project, and with it compiles again
    every template file (through Jinja's bytecode cache protocol, here `files`) and every
    template string: each file and folder name, each value of cookiecutter.json and the hook
    (`strings`, by their source text). Every key holds the template folder and the settings
    that decide what Jinja compiles (delimiters, whitespace, extensions, autoescape), so two
    templates, or environments that compile differently, never share code. Rendering with the
    kept code is rendering with a fresh environment: the same code, run in this render's own
    environment and context. Strings with a user's values or a scratch folder in them are
    compiled once and never asked again, so the least recently used are let go past `kept`.
    """

    def __init__(self, kept: int = 2048) -> None:
        self.kept = kept
        self.codes: OrderedDict[tuple[object, ...], CodeType] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> CodeType | None:
        code = self.codes.get(key)
        if code is not None:
            self.codes.move_to_end(key)
        return code

    def keep(self, key: tuple[object, ...], code: CodeType) -> CodeType:
        self.codes[key] = code
        while len(self.codes) > self.kept:
            self.codes.popitem(last=False)
        return code

    def clear(self) -> None:
        self.codes.clear()

    def share(self, env: Environment, template: Path) -> Environment:
        """Make env use the kept code for template's files and strings."""
        from jinja2 import BytecodeCache

        settings = (str(template), *_settings(env))
        kept = self

        class Files(BytecodeCache):
            def load_bytecode(self, bucket: Bucket) -> None:
                bucket.code = kept.get((*settings, "file", bucket.key, bucket.checksum))

            def dump_bytecode(self, bucket: Bucket) -> None:
                if bucket.code is not None:
                    kept.keep((*settings, "file", bucket.key, bucket.checksum), bucket.code)

        plain = env.compile

        def compile_(
            source: str | nodes.Template,
            name: str | None = None,
            filename: str | None = None,
            raw: bool = False,
            defer_init: bool = False,
        ) -> object:
            if name is None and filename is None and not raw and not defer_init:
                if isinstance(source, str):  # from_string: a file name, a value, the hook
                    key = (*settings, "string", source)
                    return kept.get(key) or kept.keep(key, plain(source))
            return plain(source, name, filename, raw, defer_init)  # type: ignore[call-overload]  # as given

        env.bytecode_cache = Files()
        env.compile = compile_  # type: ignore[method-assign,assignment]  # this environment only
        return env


def _settings(env: Environment) -> tuple[object, ...]:
    """What, besides the source, decides the code Jinja compiles in env."""
    return (
        type(env),
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        tuple(sorted(env.extensions)),
        env.optimized,
        env.autoescape,
        env.finalize,
        env.is_async,
        env.code_generator_class,
    )


COMPILED = _CompiledCode()


def _environment(context: dict[str, Any], template: Path) -> Environment:
    """Cookiecutter's environment for context, sharing the kept code of template."""
    from cookiecutter.utils import create_env_with_context

    return COMPILED.share(create_env_with_context(context), template)


@contextmanager
def _rendering(template: Path) -> Iterator[None]:
    """One render at a time, with template's own extension importable and COMPILED shared."""
    with _RENDERING, _template_on_path(template), _compiled_templates_shared(template):
        yield


@contextmanager
def _compiled_templates_shared(template: Path) -> Iterator[None]:
    """Every environment cookiecutter makes while rendering template shares COMPILED."""
    import cookiecutter.generate as generate
    import cookiecutter.prompt as prompt

    modules = (generate, prompt)
    made = [module.create_env_with_context for module in modules]
    binary = generate.is_binary
    for module in modules:
        module.create_env_with_context = lambda context: _environment(context, template)
    generate.is_binary = _is_binary
    try:
        yield
    finally:
        for module, create in zip(modules, made, strict=True):
            module.create_env_with_context = create
        generate.is_binary = binary


def _is_binary(path: str) -> bool:
    """binaryornot's verdict on a template file (cookiecutter copies a binary one as it is),
    read once per version of the file rather than once per project."""
    found = os.stat(path)
    return _binary(os.path.abspath(path), found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=4096)
def _binary(path: str, mtime_ns: int, size: int) -> bool:
    from binaryornot.check import is_binary

    return bool(is_binary(path))


@contextmanager
def _template_on_path(template: Path) -> Iterator[None]:
    """Let Jinja import the template's local extension, as the cookiecutter CLI does."""
    sys.path.insert(0, str(template))
    try:
        yield
    finally:
        sys.path.remove(str(template))


def check_destination(destination: Path, *, force: bool) -> None:
    """Refuse a destination that would lose the user's files or follow a symlink."""
    shown = repr(str(destination))
    try:
        if destination.is_symlink():
            raise DestinationError(f"output folder {shown} is a symlink; dualgen never follows one")
        if destination.exists() and not destination.is_dir():
            raise DestinationError(
                f"output folder {shown} is a file; choose another name or --output-dir"
            )
        if destination.exists() and not force:
            raise DestinationError(
                f"output folder {shown} already exists; use --force to replace the "
                "files dualgen writes and keep the others"
            )
    except OSError as error:
        raise DestinationError(f"cannot use output folder {shown}: {error.strerror}") from None


def render(
    spec: ProjectSpec,
    frameworks: tuple[str, ...],
    output_dir: Path,
    *,
    force: bool = False,
) -> list[Path]:
    """Render each framework into output_dir and return the project folders.

    The destinations are claimed first, so an overlapping run stops instead of merging; the
    projects render in a scratch folder beside them and move into place together at the end.
    On any failure or signal the destinations are as they were and nothing is left behind,
    not even the output folders this call created. With force, files the template writes
    replace those in a destination and every other file is kept.
    """
    both = len(frameworks) > 1
    output_dir = Path(output_dir)
    destinations = [output_dir / folder_name(spec, name, both=both) for name in frameworks]
    for destination in destinations:
        check_destination(destination, force=force)
    with Claim(destinations) as claim:
        for destination in destinations:  # again: a run that just finished may have made it
            check_destination(destination, force=force)
        projects = [render_tree(spec, name, claim.scratch / name) for name in frameworks]
        return claim.place(projects)


def dry_run(spec: ProjectSpec, frameworks: tuple[str, ...]) -> dict[str, list[str]]:
    """The files each project would hold, rendered in a scratch folder and thrown away."""
    both = len(frameworks) > 1
    trees: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="dualgen-dry-") as tmp:
        for name in frameworks:
            project = render_tree(spec, name, Path(tmp) / name)
            files = sorted(
                str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()
            )
            trees[folder_name(spec, name, both=both)] = files
    return trees
