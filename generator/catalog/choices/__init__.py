"""Every choice dualgen offers, one entry each: what it means in Flask and in Express, its
packages and settings, the paths it reserves and where `dualgen compare` finds its code; one
module per choice here, listed below in the order the middleware runs in.

With the choice's partial in each template (templates/*/templates/middleware/<key>.*.j2) and its
exchanges (generator/contract/), an entry here is everything about a choice; CONTRIBUTING.md
has the recipe for adding one.
"""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Declared, Setting, Side
from . import (
    compression,
    cors,
    database,
    docker,
    env_file,
    error_handlers,
    events,
    health,
    json_body,
    logging,
    production_server,
    proxy,
    rate_limit,
    request_id,
    security_headers,
    static,
    strict_parity,
    tests,
)

#: The entries, and the types they are made of (generator/catalog/entries.py), read from here.
__all__ = [
    "CHOICES",
    "CONFIG",
    "FLASK_APP_FILES",
    "MIDDLEWARE",
    "Anchor",
    "Choice",
    "Declared",
    "Setting",
    "Side",
]

#: The middleware, in the order it runs in.
MIDDLEWARE: tuple[Choice, ...] = (
    health.CHOICE,
    proxy.CHOICE,
    request_id.CHOICE,
    logging.CHOICE,
    security_headers.CHOICE,
    cors.CHOICE,
    compression.CHOICE,
    rate_limit.CHOICE,
    json_body.CHOICE,
    events.CHOICE,
    static.CHOICE,
    error_handlers.CHOICE,
    database.CHOICE,
)

CONFIG: tuple[Choice, ...] = (
    env_file.CHOICE,
    production_server.CHOICE,
    docker.CHOICE,
    tests.CHOICE,
    strict_parity.CHOICE,
)

CHOICES: dict[str, Choice] = {choice.key: choice for choice in MIDDLEWARE + CONFIG}
