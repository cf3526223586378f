{%- if cookiecutter.__layout == 'package' and cookiecutter.database -%}
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
