{%- set routes = cookiecutter._dualgen.routes -%}
"""The routes of the application, on one blueprint."""
{%- if routes|selectattr('delay')|list %}

import time
{%- endif %}

from flask import Blueprint{% if routes|needs_jsonify %}, jsonify{% endif %}
{%- if routes|selectattr('cpu')|list %}

from .work import burn
{%- endif %}

bp = Blueprint('main', __name__)
{%- for route in routes %}


@bp.{{ route.method|lower }}({{ route.flask_rule|pystr }})
def {{ route.view }}({{ route.params|map(attribute='name')|join(', ') }}):
{%- if route.work_py %}
    {{ route.work_py }}
{%- endif %}
{{ route|view_body }}
{%- endfor %}
