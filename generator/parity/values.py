"""The lists the generated requests draw their values from, simplest first (hypothesis shrinks
towards the first)."""

from __future__ import annotations

#: Replaced by each run's own client address in X-Forwarded-For, so that every run starts with
#: fresh rate-limit counters however often hypothesis replays it.
CLIENT = "{client}"
CLIENT6 = "{client6}"
#: Replaced by addresses of proxies of each run's own: behind trusted proxies, any address
#: in X-Forwarded-For may be the one a rate limit counts.
PROXIES = ("{proxy1}", "{proxy2}")

#: Methods beyond the routes' own: HEAD, OPTIONS and methods no route has (all in Node's list).
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE", "PROPFIND")

INT_VALUES = (
    "42",
    "0",
    "007",
    "9007199254740991",
    "9007199254740993",
    "18446744073709551616",
    "-1",
    "+1",
    "1.5",
    "1e3",
    "0x1f",
    "abc",
    "%31",
    "%D9%A3",
    "%EF%BC%91",
    "1%20",
    "%00",
)

STR_VALUES = (
    "example",
    "A",
    "caf%C3%A9",
    "%E4%B8%AD",
    "a%20b",
    "a+b",
    "~",
    "a;b",
    "%25",
    "a%2Fb",
    "%2F",
    "%2E",
    "%2E%2E",
    ".",
    "..",
    "%00",
    "%zz",
    "%FF",
    "%C0%AE",
    "%E2%82",
)

UNKNOWN_PATHS = ("/nope", "/no/such/path", "/favicon.ico", "/index.html", "/.env", "/%zz", "/%FF")

STATIC_PATHS = (
    "/static/style.css",
    "/static/nope.css",
    "/static",
    "/static/",
    "/STATIC/style.css",
    "/static/STYLE.CSS",
    "/static/style.css/",
    "/static//style.css",
    "/static/./style.css",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
    "/static/style%2Ecss",
)

SHAPES = (
    "as is",
    "trailing slash",
    "query",
    "double slash first",
    "double slash inside",
    "upper case",
    "dot segment",
    "encoded letter",
    "empty query",
)

ACCEPT_ENCODINGS = (
    "gzip",
    "br",
    "deflate",
    "gzip, deflate, br",
    "gzip;q=0",
    "br;q=0, gzip",
    "identity",
    "*",
    "*;q=0",
    "identity;q=0",
    "compress",
    "GZIP",
)

REQUEST_IDS = ("abc-123.X_y", "not valid", "", "r" * 128, "r" * 129, "a/b", "<script>")

FORWARDED_FOR = (
    CLIENT,
    f"{CLIENT}, {PROXIES[0]}",
    f"{CLIENT}, {PROXIES[0]}, {PROXIES[1]}",
    CLIENT6,
)

CONDITIONALS = (
    ("If-None-Match", "*"),
    ("If-None-Match", '"abc"'),
    ("If-None-Match", 'W/"abc"'),
    ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT"),
    ("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"),
    ("Range", "bytes=0-3"),
    ("Range", "bytes=5-"),
    ("Range", "bytes=-5"),
    ("Range", "bytes=999999-"),
    ("Range", "bytes=abc"),
    ("Range", "bytes=0-1,3-4"),
    ("Accept", "application/json"),
    ("Accept", "text/html"),
)

PREFLIGHT_METHODS = ("POST", "GET", "PUT", "DELETE", "PATCH", "PROPFIND", "post")

PREFLIGHT_HEADERS = ("content-type", "X-Request-ID, Content-Type", "x-custom", "")

MEDIA_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "application/JSON",
    "application/vnd.api+json",
    "application/merge-patch+json",
    "application/json; charset=latin1",
    "application/json; charset=UTF-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    None,
)

MALFORMED = (
    b'{"broken": ',
    b"",
    b"NaN",
    b"[1, Infinity]",
    b"{'single': 'quotes'}",
    b'{"a": 1} trailing',
    b'{"a": "\xff"}',
    b'"\xc3\x28"',
    b"\xef\xbb\xbf{}",
    b"-0",
    b"1e400",
)

CODINGS = ("gzip", "identity", "br", "deflate")

#: JSON bodies of every JSON type (no route reads a body: what counts is how it parses).
#: Bodies for POST /events (with events): events to publish, and near misses it must refuse.
EVENT_BODIES: tuple[object, ...] = (
    {"event": "chat.message", "data": {"text": "hi"}},
    {"event": "x", "data": "a\n\nevent: y\ndata: z"},
    {"event": "ok", "data": None},
    {"event": "a b", "data": 1},
    {"event": "", "data": 1},
    {"event": "x" * 65, "data": 1},
    {"event": "\u00e9", "data": 1},
    {"event": 5, "data": 1},
    {"event": "x"},
    {"data": 1},
)
JSON_BODIES: tuple[object, ...] = (
    {"name": "Tea", "price": 3},
    [1, 2.5, "three", None, True],
    "text",
    -42,
    1.5e300,
    None,
    False,
    {},
    [],
    {"nested": {"list": [{"deep": [None]}]}},
    {"unicode": "é ü 中文 🙂", "escape": 'quote " back\\slash'},
    {"big": 2**64, "small": -(2**63)},
)
