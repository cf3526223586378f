"""Answer files: read safely (regular files only, capped, no YAML aliases) and written so that
they load back to the same answers."""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from ..errors import SpecError

if TYPE_CHECKING:
    import yaml

    from . import ProjectSpec

#: The answers of one project as an answer file, a preset, the flags or the prompts give them,
#: before `spec.build` has checked them: the keys are spec.FIELDS (tests/unit/test_types.py),
#: every one optional; every value is `object` because an answer file may hold anything there,
#: and `build` is the one place that checks it (the checked answers are a ProjectSpec).
Answers = TypedDict(
    "Answers",
    {
        "dualgen": object,
        "preset": object,
        "name": object,
        "port": object,
        "host": object,
        "debug": object,
        "classic": object,
        "middleware": object,
        "settings": object,
        "routes": object,
        "env-file": object,
        "production-server": object,
        "docker": object,
        "tests": object,
        "strict-parity": object,
    },
    total=False,
)

#: An answer file is a few hundred bytes; anything far bigger is a mistake or an attack.
MAX_ANSWER_FILE = 1 << 20


def load_answers(path: Path) -> Answers:
    """Read an answer file (YAML or JSON). Raises SpecError on unreadable or malformed files.

    Only a regular file of at most MAX_ANSWER_FILE bytes is read (never a device, a FIFO or a
    folder), and YAML aliases are refused, so a shared file cannot exhaust memory.
    """
    import yaml

    shown = repr(str(path))
    try:
        text = _read_regular_file(Path(path), MAX_ANSWER_FILE).decode("utf-8")
    except OSError as error:
        raise SpecError(f"answer file {shown} cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SpecError(f"answer file {shown} is not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_answer_loader())  # a SafeLoader without aliases
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None)
        why = f": {problem}" if problem == _NO_ALIASES else ""
        raise SpecError(f"answer file {shown} is not valid YAML{where}{why}") from None
    except RecursionError:
        raise SpecError(f"answer file {shown} is nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SpecError(
            f"answer file {shown} must hold a mapping of answers, not {type(data).__name__}"
        )
    return cast(Answers, data)  # any mapping: build checks its keys and values


def _read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing devices, FIFOs and files over `limit` bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SpecError(f"answer file {str(path)!r} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SpecError(f"answer file {str(path)!r} is larger than {limit // 1024} KiB")
    return data


_NO_ALIASES = "aliases (*name) are not allowed in an answer file"


@functools.cache
def _answer_loader() -> type:
    import yaml

    class AnswerLoader(yaml.SafeLoader):
        """YAML's safe loader, minus aliases: no billion-laughs expansion."""

        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]  # stubs leave it bare
                raise yaml.composer.ComposerError(None, None, _NO_ALIASES, event.start_mark)
            return super().compose_node(parent, index)

    return AnswerLoader


def dump_answers(spec: ProjectSpec) -> str:
    """The spec as YAML that loads back to the same answers, whatever characters it holds."""
    import yaml

    from .. import __version__

    data = {"dualgen": __version__, **spec.answers()}
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    if yaml.safe_load(text) != data:
        # PyYAML writes some characters raw that its reader takes for line breaks (U+0085 ...):
        # escape everything outside ASCII rather than change the answers.
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=100)
    return text
