{%- if cookiecutter.__layout == 'package' and cookiecutter.database_url.startswith('postgresql:') -%}
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
from flask_migrate import upgrade
from psycopg import sql

from {{ cookiecutter.__package_name }} import create_app
from {{ cookiecutter.__package_name }}.database import db, sqlalchemy_url

MIGRATIONS = Path(__file__).parent.parent / 'migrations'


@pytest.fixture(scope='session')
def database_url():
    """The tests' own database beside DATABASE_URL's: its name with _test added, made
    afresh for the session and dropped at the end."""
    url = os.environ.get('DATABASE_URL')
    if not url:
        pytest.exit(
            'the tests need a PostgreSQL server: set DATABASE_URL='
            'postgresql://USER:PASSWORD@HOST:PORT/DATABASE',
            returncode=2,
        )
    parts = urlsplit(url)
    # The URL's path is percent-encoded (libpq decodes it); the name is not.
    name = sql.Identifier(f'{unquote(parts.path[1:])}_test')
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(sql.SQL('DROP DATABASE IF EXISTS {}').format(name))
        server.execute(sql.SQL('CREATE DATABASE {}').format(name))
    yield parts._replace(path=f'{parts.path}_test').geturl()
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(sql.SQL('DROP DATABASE {} WITH (FORCE)').format(name))


@pytest.fixture
def app(database_url):
    # The schema from the project's migrations (as flask db upgrade writes it),
    # and each test starts with empty tables.
    app = create_app(
        {'TESTING': True, 'SQLALCHEMY_DATABASE_URI': sqlalchemy_url(database_url)}
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), x_arg='logging=app')
    yield app
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()
{%- elif cookiecutter.__layout == 'package' and cookiecutter.database -%}
from pathlib import Path

import pytest
from flask_migrate import upgrade

from {{ cookiecutter.__package_name }} import create_app

MIGRATIONS = Path(__file__).parent.parent / 'migrations'


@pytest.fixture
def app(tmp_path):
    # Each test has a database of its own: a SQLite file in a temporary folder, its
    # schema from the project's migrations (as flask db upgrade writes it).
    database = tmp_path / 'test.db'
    app = create_app(
        {'TESTING': True, 'SQLALCHEMY_DATABASE_URI': f'sqlite:///{database}'}
    )
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), x_arg='logging=app')
    return app
{%- elif cookiecutter.__layout == 'package' -%}
import pytest

from {{ cookiecutter.__package_name }} import create_app


@pytest.fixture
def app():
    return create_app({'TESTING': True})
{%- else -%}
import pytest

from app import app as flask_app
{%- if cookiecutter.rate_limit %}
from app import limiter
{%- endif %}


@pytest.fixture
def app():
    flask_app.config.update(TESTING=True)
{%- if cookiecutter.rate_limit %}
    # One app serves every test: its rate limit starts each test with fresh counts.
    limiter.reset()
{%- endif %}
    return flask_app
{%- endif %}


@pytest.fixture
def client(app):
    return app.test_client()
