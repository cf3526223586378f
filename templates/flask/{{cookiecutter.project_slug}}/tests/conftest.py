import pytest
{%- if cookiecutter.__layout == 'package' %}

from {{ cookiecutter.__package_name }} import create_app


@pytest.fixture
def app():
    return create_app({'TESTING': True})
{%- else %}

from app import app as flask_app


@pytest.fixture
def app():
    flask_app.config.update(TESTING=True)
    return flask_app
{%- endif %}


@pytest.fixture
def client(app):
    return app.test_client()
