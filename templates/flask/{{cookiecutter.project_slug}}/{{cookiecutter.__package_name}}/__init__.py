{%- set c = cookiecutter -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{%- set layout, blank, indent = 'package', '', 4 -%}
"""The application factory: create_app() builds and configures the Flask app."""

{% filter trim %}{% include 'imports.py.j2' %}{% endfilter %}

from .routes import bp
{%- set constants %}{% include 'constants.py.j2' %}{% endset %}
{%- if constants|trim %}
{{ '\n' if (constants|trim).startswith('class ') }}
{{ constants|trim }}
{%- endif %}


def create_app(test_config=None):
{% filter indent(4, first=True) %}{% include 'app.py.j2' %}{% endfilter %}
{%- for key in middleware %}
{%- import 'middleware/' ~ key ~ '.py.j2' as partial with context %}
{%- set wiring = partial.setup if partial.setup is defined else partial.after_routes if partial.after_routes is defined %}
{%- if wiring %}


def {{ 'init_' ~ key|replace('-', '_') }}(app):
    """{{ partial.doc() }}"""

{% filter indent(4, first=True) %}{{ wiring()|trim }}{% endfilter %}
{%- endif %}
{%- endfor %}
