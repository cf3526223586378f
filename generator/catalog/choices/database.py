"""The `database` choice (Database): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Setting, Side

CHOICE = Choice(
    key="database",
    title="Database",
    help="Keep the resources' items in a SQLite or PostgreSQL database (URL) instead of memory; "
    "the schema comes from the project's migrations.",
    summary="Keep the resources' items in the SQLite or PostgreSQL database URL; the schema "
    "comes from the project's migrations.",
    flask=Side(
        ("flask-sqlalchemy", "flask-migrate"),
        "Flask-SQLAlchemy (db = SQLAlchemy(), db.init_app(app), as its Quick Start writes it) "
        "with one db.Table per resource, its column names data that SQLAlchemy quotes and its "
        "values bound; Flask-Migrate (Alembic) for the schema: migrations/versions holds a "
        "first migration per resource, applied by `flask db upgrade`, by `python app.py` "
        "before it listens and by gunicorn's on_starting hook (flask db upgrade, once, before "
        "the workers start). Chosen over bare sqlite3 (no migrations, SQL by hand) and over "
        "SQLAlchemy without the extension (the session tied to the request by hand): "
        "cookiecutter-flask and the Flask-SQLAlchemy docs write it so. A relative SQLite path "
        "is in the instance folder (Flask-SQLAlchemy's rule); DATABASE_URL overrides the URL "
        "at run time. SQLite runs in WAL mode with a 5 s busy timeout, so several gunicorn "
        "workers may write. With a postgresql:// URL the project depends on psycopg 3 "
        "(psycopg[binary], the install its docs give first: a wheel with its own libpq, so "
        "pip needs no compiler and the image no libpq) and SQLAlchemy's postgresql+psycopg "
        "dialect, made from the URL in one place (postgres:// and postgresql:// alike). "
        "Chosen over psycopg2 (its predecessor by the same authors, fixed but no longer "
        "developed; SQLAlchemy 2 has a dialect for each) and asyncpg (async, which Flask's "
        "views are not). A SQLite project has no driver to add: Python's sqlite3 is built in.",
        engine_packages=(("postgresql", ("psycopg",)),),
    ),
    express=Side(
        ("knex",),
        "Knex (a query builder with its own migrations: migrations/ holds a first migration "
        "per resource, applied by `npm run migrate`, by `npm start` before it listens and by the "
        "cluster's primary before it forks) over "
        "better-sqlite3, Knex's recommended SQLite driver; column names are data Knex quotes, "
        "values are bound. Chosen over Prisma (it downloads an engine binary at install, "
        "which fails offline), Sequelize (an ORM's models where a table per resource is "
        "enough; its SQLite driver is the older sqlite3) and sql.js (a database in memory "
        "written to a file by hand). better-sqlite3 installs a prebuilt binary or, offline, "
        "compiles its bundled SQLite (a C compiler and Node's headers, about 2 minutes). A "
        "relative SQLite path is beside package.json; DATABASE_URL overrides the URL at run "
        "time. SQLite runs in WAL mode with a 5 s busy timeout, so the cluster's workers may "
        "write. With a postgresql:// URL the driver is pg (node-postgres, the client Knex's "
        "docs name for PostgreSQL, pure JavaScript: nothing to compile) in place of "
        "better-sqlite3: the driver follows the URL's engine, so a project installs only the "
        "one it uses (better-sqlite3 would compile SQLite for a project that never opens it). "
        "Chosen over postgres (Postgres.js: Knex has no client for it) and pg-native (libpq "
        "bindings that need a compiler and libpq's headers). node-postgres reads a bigint as "
        "a string (it may exceed 2 ** 53); db.js reads it as a number, as ids and int fields "
        "stay within 2 ** 53 - 1.",
        engine_packages=(("sqlite", ("better-sqlite3",)), ("postgresql", ("pg",))),
    ),
    settings=(
        Setting(
            "url",
            "Where the items live: sqlite:///NAME (a file in the project), "
            "sqlite:////ABSOLUTE/PATH, or postgresql://HOST[:PORT]/DATABASE (no user or "
            "password: DATABASE_URL gives them at run time).",
            "sqlite:///app.db",
            kind="database",
        ),
    ),
    concepts={
        "flask": (Anchor(FLASK_APP_FILES, r"^db = SQLAlchemy\(\)\nmigrate = Migrate\(\)"),),
        "express": (Anchor("knexfile.js", r"^module\.exports = \{"),),
    },
    asked=False,
)
