{%- set c = cookiecutter -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{%- set layout, blank, indent = 'package', '', 4 -%}
{#- Each concern with code has a module of its own, whose init_app(app) create_app() calls. -#}
{%- set modules = [] -%}
{%- for key in middleware -%}
{%- import 'middleware/' ~ key ~ '.py.j2' as partial with context -%}
{%- if partial.setup is defined or partial.after_routes is defined -%}
{%- set _ = modules.append(partial.module if partial.module is defined else key|replace('-', '_')) -%}
{%- endif -%}
{%- endfor -%}
{%- for r in c._dualgen.resources -%}
{%- set _ = modules.append(r.module) -%}
{%- endfor -%}
"""The application factory: create_app() builds and configures the Flask app."""

{% filter trim %}{% include 'imports.py.j2' %}{% endfilter %}
{% set line = 'from . import ' ~ modules|sort|join(', ') %}
{%- if modules and line|length <= 88 %}
{{ line }}
{%- elif modules %}
from . import (
{%- for module in modules|sort %}
    {{ module }},
{%- endfor %}
)
{%- endif %}
from .routes import bp
{%- set constants %}{% include 'constants.py.j2' %}{% endset %}
{%- if constants|trim %}
{{ '\n' if (constants|trim).startswith('class ') }}
{{ constants|trim }}
{%- endif %}


def create_app(test_config=None):
{% filter indent(4, first=True) %}{% include 'app.py.j2' %}{% endfilter %}
