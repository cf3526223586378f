"""The `strict-parity` choice (Strict parity): its catalog entry."""

from __future__ import annotations

from ..differences import STRICT_PARITY_REMOVES
from ..entries import Anchor, Choice, Side
from . import FLASK_APP_FILES

CHOICE: Choice = Choice(  # annotated: mypy meets it inside an import cycle
    key="strict-parity",
    title="Strict parity",
    help="Make the two servers answer alike at the edges where the frameworks differ on "
    "their own (for porting an API from one to the other); without it, each framework "
    "behaves as itself and `dualgen options` lists the differences.",
    flask=Side(
        (),
        "No merging of doubled slashes, no static route unless static is chosen, an int "
        "converter of 1 to 15 digits 0-9, JSON sent as written and a Server header "
        "without versions.",
    ),
    express=Side(
        (),
        "Paths routed decoded as a WSGI server hands them over, case-sensitive and strict "
        "routing, no ETags on views, and 405 with Allow (and OPTIONS) for every route, as "
        "Flask answers.",
    ),
    declared=STRICT_PARITY_REMOVES,
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^[ ]*app\.url_map\.merge_slashes = False"),),
        "express": (Anchor("app.js", r"^const PLAIN_PATH = [^\n]*\napp\.use\("),),
    },
    # For porting an API, not for a starter project: a flag, never a question.
    asked=False,
)
