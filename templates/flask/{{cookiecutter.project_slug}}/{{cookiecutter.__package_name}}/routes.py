{%- set routes = cookiecutter._dualgen.routes -%}
"""The routes of the application, on one blueprint."""

from flask import Blueprint{% if routes|needs_jsonify %}, jsonify{% endif %}

bp = Blueprint('main', __name__)
{%- for route in routes %}


@bp.{{ route.method|lower }}({{ route.flask_rule|pystr }})
def {{ route.view }}({{ route.params|map(attribute='name')|join(', ') }}):
{{ route|view_body }}
{%- endfor %}
