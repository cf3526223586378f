"""What a parity run finds: each difference (its kind and signature, one exception type per
signature so that hypothesis tells them apart) and the report of the whole run."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import catalog
from ..spec import ProjectSpec
from .observe import Aspect
from .requests import Example
from .streams import StreamDifference
from .wire import Answer, curl

#: The client address X-Forwarded-For names in a reproduction (hypothesis runs use fresh ones).
SHOWN_CLIENT = "198.18.0.1"


@dataclass
class Found:
    """One distinct difference: the minimal example that shows it and both answers."""

    signature: str
    kind: str
    aspects: list[Aspect]
    #: The requests up to the one whose answers differ (the last).
    example: Example
    flask: Answer
    express: Answer
    declared: catalog.Declared | None = None
    #: How many requests showed it during the whole run.
    count: int = 0
    #: Hypothesis replayed the minimal example and it showed the difference again.
    confirmed: bool = False

    def curl(self, base: str) -> str:
        """Shell commands that send the example to the server at `base`; the last prints."""
        return "\n".join(
            curl(base, request, client=SHOWN_CLIENT, show=n == len(self.example) - 1)
            for n, request in enumerate(self.example)
        )


@dataclass
class Report:
    """What a parity run sent and found."""

    spec: ProjectSpec
    seed: int
    requested: int
    production: bool = False
    sent: int = 0
    identical: int = 0
    differing: int = 0
    #: Of the differing requests, those whose every difference is declared.
    declared_only: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    found: dict[str, Found] = field(default_factory=dict)
    rounds: int = 0
    seconds: float = 0.0
    out_of_time: bool = False
    #: Where a reproduction reaches each server: the project's own default address.
    urls: dict[str, str] = field(default_factory=dict)
    #: With events: the stream steps compared, and those whose transcripts differ.
    stream_steps: int = 0
    streams: list[StreamDifference] = field(default_factory=list)
    #: Why the streams were not compared (None when they were, or without events).
    streams_skipped: str | None = None
    #: Stateful runs: the store each sequence starts with fresh ("memory", "sqlite",
    #: "postgresql"), and the sequences run (`requested` counts sequences then).
    storage: str = ""
    sequences: int = 0

    @property
    def undeclared(self) -> list[Found]:
        return [found for found in self.found.values() if found.declared is None]

    @property
    def ok(self) -> bool:
        return not self.undeclared and not self.streams


def new_report(
    spec: ProjectSpec,
    seed: int | None,
    requested: int,
    production: bool,
    observe: Callable[[str, object], None],
    storage: str = "",
) -> Report:
    """The report a run fills, with its seed (a new one unless given); observed as "start"."""
    seed = random.randrange(10**6) if seed is None else seed
    report = Report(spec, seed, requested, production, storage=storage)
    report.urls = {name: f"http://127.0.0.1:{spec.port_for(name)}" for name in catalog.FRAMEWORKS}
    observe("start", report)
    return report


class Difference(AssertionError):
    """A run whose answers differ; a subclass per signature tells hypothesis they are distinct."""

    signature = ""


_TYPES: dict[str, type[Difference]] = {}


def _difference_type(signature: str) -> type[Difference]:
    if signature not in _TYPES:
        _TYPES[signature] = type("Difference", (Difference,), {"signature": signature})
    return _TYPES[signature]


def kind_of(aspect: Aspect) -> str:
    """The kind a summary counts: counting (rate limits), status, content-type, body, header."""
    if aspect.kind == "status" and "429" in (aspect.flask, aspect.express):
        return "counting"
    if aspect.kind == "header" and aspect.name.lower() == "x-ratelimit-remaining":
        return "counting"
    return aspect.kind


def signature_of(aspect: Aspect, flask: Answer) -> str:
    """What makes two differences the same one."""
    if aspect.kind == "status":
        return f"status: Flask {aspect.flask}, Express {aspect.express}"
    if aspect.kind == "content-type":
        return f"Content-Type: Flask {aspect.flask}, Express {aspect.express}"
    if aspect.kind == "body":
        return f"body of a {flask.status} answer"
    if aspect.express is None:
        return f"header {aspect.name}: only Flask sends it"
    if aspect.flask is None:
        return f"header {aspect.name}: only Express sends it"
    return f"header {aspect.name}: the values differ"


def _size(example: Example) -> tuple[int, ...]:
    """How big an example is, to keep the smallest: requests, then headers, body, path."""
    return (
        sum(request.repeat for request in example),
        sum(len(request.headers) + (request.body is not None) for request in example),
        sum(len(request.path) for request in example),
    )


def _is_flaky(error: BaseException) -> bool:
    return type(error).__name__ in ("Flaky", "FlakyFailure", "FlakyStrategyDefinition")
