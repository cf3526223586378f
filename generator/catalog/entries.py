"""What a catalog entry is made of: a choice, its two sides, its settings, where `dualgen
compare` finds its code, and the differences between the servers it declares. The entries
themselves are in generator/catalog/choices.py."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Where a Flask project wires its middleware: app.py while it is one file; once it has several
#: routes, the package: __init__.py (create_app()) and one module per concern (its init_app).
FLASK_APP_FILES = ("app.py", "*/*.py")


@dataclass(frozen=True)
class Anchor:
    """Where to look for a concept: a file glob (or several) and a regex.

    The match's lines, plus the rest of the statement or block its last line opens, are
    the concept's code; comment lines just above are included. With whole, the entire
    file is the code.
    """

    file: str | tuple[str, ...]
    pattern: str = r"\A"
    whole: bool = False


@dataclass(frozen=True)
class Setting:
    """One setting of a choice, e.g. the origins CORS allows."""

    key: str
    help: str
    default: int | str | tuple[str, ...]
    minimum: int = 1
    maximum: int = 10**9
    #: How spec checks a value (spec.values._SETTING_CHECKS): "number" (minimum..maximum), "origins"
    #: (a list of origins), "storage" (memory:// or a Redis URL), "database" (a SQLite or
    #: PostgreSQL URL) or "choice" (one of `choices`).
    kind: str = "number"
    choices: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return isinstance(self.default, tuple)


@dataclass(frozen=True)
class Side:
    """What a choice means in one framework: the packages it adds and how it is wired."""

    packages: tuple[str, ...]
    note: str
    dev_packages: tuple[str, ...] = ()
    #: Added when the choice's storage setting names Redis rather than memory://.
    redis_packages: tuple[str, ...] = ()
    #: Added by the engine the choice's database URL names: (URL scheme, packages) pairs.
    engine_packages: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Declared:
    """A difference between the Flask and the Express server that stays, declared once: where it
    applies, what each framework does, and why it is not removed. `dualgen parity` counts the
    differences it covers without failing; `dualgen options` and `dualgen compare` show it."""

    title: str
    flask: str
    express: str
    why: str
    #: What differs: "status", "content-type", "body", "header NAME", or "*" for anything.
    aspects: tuple[str, ...] = ("*",)
    #: Only answers whose status (Flask's) is one of these; empty for any.
    statuses: tuple[int, ...] = ()
    #: Only examples whose requests match this regex: one `Request.describe()` line each,
    #: with the path decoded as the servers route it.
    request: str = ""
    #: Only differences that, written "ASPECT: Flask's value | Express's", match this regex.
    values: str = ""
    #: Only answers without content (both bodies empty) to a request other than HEAD.
    empty: bool = False
    #: When it applies: on a choice, "chosen" or "not chosen"; in catalog.DECLARED, "always".
    when: str = "chosen"
    #: A choice that removes it (strict-parity), when chosen.
    unless: str = ""
    #: Only examples whose requests, as sent (the path still percent-encoded), match this regex.
    raw: str = ""
    #: Where each framework's (or library's) docs describe its side.
    docs: tuple[str, ...] = ()
    #: A request that shows the difference, "METHOD /path": tests send it to both servers.
    example: str = ""
    #: The `dualgen compare` concept it is shown beside; empty for its choice's own.
    concept: str = ""

    def shown(self) -> dict[str, object]:
        """What a reader is shown of it: each side, why, a request to try and the docs."""
        return {
            "title": self.title,
            "flask": self.flask,
            "express": self.express,
            "why": self.why,
            "example": self.example,
            "docs": list(self.docs),
            "concept": self.concept,
        }

    def covers(
        self, aspect: Any, answers: Mapping[str, Any], example: Sequence[Any]
    ) -> bool:  # parity's Aspect, Answers and Requests: parity sits above the catalog
        """Whether a difference parity saw (an _observe.Aspect between two answers, after the
        requests of `example`) is this one."""
        if "*" not in self.aspects and aspect.label not in self.aspects:
            return False
        if self.statuses and answers["flask"].status not in self.statuses:
            return False
        written = f"{aspect.label}: {aspect.flask} | {aspect.express}"
        if self.values and not re.search(self.values, written):
            return False
        if self.empty and (
            example[-1].method == "HEAD" or any(answer.body for answer in answers.values())
        ):
            return False
        if self.raw:
            sent = "\n".join(request.describe() for request in example)
            if re.search(self.raw, sent) is None:
                return False
        described = "\n".join(request.describe(routed=True) for request in example)
        return not self.request or re.search(self.request, described) is not None


@dataclass(frozen=True)
class Choice:
    """A middleware or a config switch, the same idea in both frameworks."""

    key: str
    title: str
    help: str
    flask: Side
    express: Side
    settings: tuple[Setting, ...] = field(default=())
    #: Where `dualgen compare` finds the choice's code in each framework's tree.
    concepts: dict[str, tuple[Anchor, ...]] = field(default_factory=dict)
    #: URL prefixes the choice serves, which no route may take.
    reserved_paths: tuple[str, ...] = ()
    #: Differences between the servers that stay with (or without) this choice.
    declared: tuple[Declared, ...] = ()
    #: Whether `dualgen new` asks for it at the prompts; if not, a flag or answer file sets it.
    asked: bool = True
    #: What it does in a project that has it, when `help` lists what the user may choose
    #: instead; its settings' names in capitals (FORMAT) stand for their values.
    summary: str = ""

    def summary_for(self, values: dict[str, object]) -> str:
        """What it does with these setting values (by setting key; defaults for the others):
        `summary` (else `help`) with each setting's name in capitals replaced by its value."""
        text = self.summary or self.help
        for setting in self.settings:
            value = values.get(setting.key, setting.default)
            shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
            name = setting.key.upper().replace("-", "_")
            text = re.sub(rf"\b{name}\b", shown.replace("\\", r"\\"), text)
        return text

    @property
    def var(self) -> str:
        """The cookiecutter variable that switches the choice on."""
        return self.key.replace("-", "_")

    def setting_var(self, setting: Setting) -> str:
        return f"{self.var}_{setting.key.replace('-', '_')}"

    def side(self, framework: str) -> Side:
        return self.flask if framework == "flask" else self.express
