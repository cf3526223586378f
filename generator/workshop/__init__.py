"""Workshops: a workshop file becomes ordered steps, each a validated spec; a build writes them
as one git repository per framework, step folders and a handout; `check` runs a step's checks
against a participant's own project.

A workshop file is YAML, read like an answer file (a regular file of at most 1 MiB, no aliases)
and validated once, here; every value in it is data. Its schema:

    title: Flask and Express, side by side      # one line
    name: hello                                 # the project name (default: hello)
    description: Markdown shown before step 1   # optional
    steps:
      - id: route-parameter                     # a-z, 0-9 and -; unique
        title: A route with a typed parameter   # one line: the commit message
        explanation: Markdown
        change:                                 # relative to the step before (step 1: to the
          add-routes: ["GET /users/{id:int}"]   # default project)
        exercises: [Markdown, ...]              # optional
        hints: {"GET /users/{id:int}": Markdown}  # optional, keyed by check name

A change holds any of CHANGE_KEYS. A step's checks are "start" (the server starts and listens),
one per exchange of its spec (generator.contract) and, once the spec has tests, "tests" (the
project's own tests pass). A hint applies to its check from its step on, until a later step
gives that check another hint.

Its parts: model (the file, read and validated), build (the output folder), git (the
repositories), handout (HTML and Markdown), markdown, annotate (--annotate), check, contract and
start (participants' projects), the built-in workshops (*.yaml) and the handout's template.
"""

from .model import (
    BUILTIN_DIR,
    CHANGE_KEYS,
    DEFAULT_WORKSHOP,
    MAX_LINE,
    MAX_STEPS,
    MAX_TEXT,
    MAX_WORKSHOP_FILE,
    SCALAR_CHANGES,
    STEP_KEYS,
    WORKSHOP_KEYS,
    Step,
    Workshop,
    apply_change,
    builtin_workshops,
    load_workshop,
    parse_workshop,
    read_workshop_file,
)

__all__ = [
    "apply_change",
    "BUILTIN_DIR",
    "builtin_workshops",
    "CHANGE_KEYS",
    "DEFAULT_WORKSHOP",
    "load_workshop",
    "MAX_LINE",
    "MAX_STEPS",
    "MAX_TEXT",
    "MAX_WORKSHOP_FILE",
    "parse_workshop",
    "read_workshop_file",
    "SCALAR_CHANGES",
    "Step",
    "STEP_KEYS",
    "Workshop",
    "WORKSHOP_KEYS",
]
