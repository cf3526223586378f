{%- set c = cookiecutter -%}
{%- set raises = c._dualgen.routes|selectattr('kind', 'equalto', 'error')|list and not c.error_handlers -%}
{% if raises -%}
import pytest


{% endif -%}
{%- for route in c._dualgen.routes %}
{%- if not loop.first %}


{% endif -%}
def test_{{ route.view }}(client):
{%- if route.kind == 'error' and raises %}
    with pytest.raises(RuntimeError):
        client.{{ route.method|lower }}({{ route.sample_path|pystr }})
{%- else %}
    response = client.{{ route.method|lower }}({{ route.sample_path|pystr }})
{%- if route.kind == 'error' %}
    assert response.status_code == 500
    assert response.get_json() == {'error': 'Internal Server Error'}
{%- else %}
    assert response.status_code == {{ route.status }}
{%- if route.kind == 'text' %}
    expected = {{ route.text|pyval(4, 11) }}
    assert response.text == expected
{%- elif not route.no_body %}
    expected = {{ route.body|pyval(4, 11) }}
    assert response.get_json() == expected
{%- endif %}
{%- endif %}
{%- endif %}
{%- endfor %}
{%- if c.static %}


def test_static_file(client):
    response = client.get('/static/style.css')
    assert response.status_code == 200
    assert b'font-family' in response.data
{%- endif %}
