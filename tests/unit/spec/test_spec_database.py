"""The database choice's URL (issue 26, M2): the SQLite URLs it takes as they are, and the
one-line refusal of anything else (a path that leaves the project, a query, PostgreSQL)."""

from __future__ import annotations

import pytest

from generator import spec as specs
from generator.errors import SpecError

REFUSAL = (
    "database.url {!r} is not a SQLite URL like sqlite:///app.db (a file name) or "
    "sqlite:////var/lib/app/app.db (an absolute path) of letters, digits and _ . -; "
    "PostgreSQL is not offered yet"
)


def with_url(url: object) -> dict[str, object]:
    return {"middleware": ["database"], "settings": {"database": {"url": url}}}


def test_the_default_is_a_file_in_the_project():
    assert specs.build({"middleware": ["database"]}).settings["database"] == {
        "url": "sqlite:///app.db"
    }


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///app.db",
        "sqlite:///shop_2.sqlite3",
        "sqlite:///a",
        "sqlite:///" + "n" * 100,
        "sqlite:////var/lib/shop/items.db",
        "sqlite:////" + "/".join(["d"] * 10),
    ],
    ids=["default", "name", "one-letter", "longest-name", "absolute", "deepest"],
)
def test_sqlite_urls_are_taken_as_they_are(url):
    assert specs.build(with_url(url)).settings["database"]["url"] == url


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///../app.db",
        "sqlite:///data/app.db",
        "sqlite:///.app.db",
        "sqlite:///-app.db",
        "sqlite:///",
        "sqlite:////",
        "sqlite:////var//app.db",
        "sqlite:////var/../etc/app.db",
        "sqlite:///app.db?mode=ro",
        "sqlite:///a b.db",
        "sqlite:///app.db\n",
        "sqlite:///" + "n" * 101,
        "sqlite:////" + "/".join(["d"] * 11),
        "sqlite://app.db",
        "SQLITE:///app.db",
        "postgresql://localhost/shop",
        "memory://",
        "",
        1,
        None,
    ],
    ids=[
        "parent",
        "relative-folder",
        "hidden",
        "dash-first",
        "no-name",
        "root",
        "empty-segment",
        "dot-dot",
        "query",
        "space",
        "newline",
        "name-too-long",
        "too-deep",
        "two-slashes",
        "capitals",
        "postgresql",
        "memory",
        "empty",
        "number",
        "none",
    ],
)
def test_other_urls_are_refused_in_one_line(url):
    with pytest.raises(SpecError) as refused:
        specs.build(with_url(url))
    assert str(refused.value) == REFUSAL.format(url)


def test_the_url_reaches_the_templates_as_data():
    context = specs.build(with_url("sqlite:////srv/it's/x.db".replace("'", "_"))).context("flask")
    assert (context["database"], context["database_url"]) == (True, "sqlite:////srv/it_s/x.db")
