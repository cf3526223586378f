"""The `database` choice (Database): its catalog entry."""

from __future__ import annotations

from ..entries import FLASK_APP_FILES, Anchor, Choice, Setting, Side

CHOICE = Choice(
    key="database",
    title="Database",
    help="Keep the resources' items in a SQLite database (URL) instead of memory; the schema "
    "comes from the project's migrations.",
    summary="Keep the resources' items in the SQLite database URL; the schema comes from the "
    "project's migrations.",
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
        "workers may write.",
    ),
    express=Side(
        ("knex", "better-sqlite3"),
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
        "write.",
    ),
    settings=(
        Setting(
            "url",
            "Where the items live: sqlite:///NAME (a file in the project) or "
            "sqlite:////ABSOLUTE/PATH.",
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
