{%- set c = cookiecutter -%}
{%- set layout, blank, indent = 'package', '', 4 -%}
"""The application factory: create_app() builds and configures the Flask app."""

{% filter trim %}{% include 'imports.py.j2' %}{% endfilter %}

from .routes import bp
{%- if c.request_id or c.security_headers %}

{% include 'constants.py.j2' %}
{%- endif %}


def create_app(test_config=None):
{% filter indent(4, first=True) %}{% include 'app.py.j2' %}{% endfilter %}
