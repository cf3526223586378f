import pytest
{%- if cookiecutter.__layout == 'package' %}

from {{ cookiecutter.__package_name }} import create_app


@pytest.fixture
def app():
    return create_app({'TESTING': True})
{%- else %}

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
