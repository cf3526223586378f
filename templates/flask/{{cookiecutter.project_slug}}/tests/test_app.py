{%- set c = cookiecutter -%}
{#- A test function's first line; its parameter below the name where ruff puts it. -#}
{%- macro test_def(name) -%}
{%- if ('def ' ~ name ~ '(client):')|length <= 88 -%}
def {{ name }}(client):
{%- else -%}
def {{ name }}(
    client,
):
{%- endif -%}
{%- endmacro -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{%- set raises = c._dualgen.routes|selectattr('kind', 'equalto', 'error')|list and not c.error_handlers -%}
{#- From each chosen middleware's test partial (templates/tests/KEY.py.j2): its imports (the
    standard library's), its constants and its tests. -#}
{%- set stdlib, constants, tests = [], [], [] -%}
{%- for key in middleware -%}
{%- import 'tests/' ~ key ~ '.py.j2' as partial with context -%}
{%- for line in (partial.imports() if partial.imports is defined else '').strip().splitlines() -%}
{%- set _ = stdlib.append(line) -%}
{%- endfor -%}
{%- if partial.constants is defined %}{% set _ = constants.append(partial.constants()|trim) %}{% endif -%}
{%- set written = partial.tests()|trim if partial.tests is defined else '' -%}
{%- if written %}{% set _ = tests.append(written) %}{% endif -%}
{%- endfor -%}
{#- The resources' tests (templates/tests/resources.py.j2): a class each. -#}
{%- if c._dualgen.resources -%}
{%- import 'tests/resources.py.j2' as resources with context -%}
{%- set _ = stdlib.append(resources.imports()|trim) -%}
{%- set _ = constants.append(resources.constants()|trim) -%}
{%- set _ = tests.append(resources.tests()|trim) -%}
{%- endif -%}
{#- isort's order: `import x` lines, then `from x import y` lines. -#}
{%- set straight, froms = [], [] -%}
{%- for line in stdlib|unique|sort -%}
{%- set _ = (froms if line.startswith('from ') else straight).append(line) -%}
{%- endfor -%}
{%- set header = [(straight + froms)|join('\n')] if stdlib else [] -%}
{%- if raises %}{% set _ = header.append('import pytest') %}{% endif -%}
{%- if header %}
{#- ruff's isort: one blank line before a constant, two before a function #}
{{- header|join('\n\n') }}{{ '\n' if constants else '\n\n' }}
{% endif -%}
{%- if constants %}
{{- constants|join('\n\n') }}


{% endif -%}
{%- for route in c._dualgen.routes %}
{%- if not loop.first %}


{% endif -%}
{{ test_def('test_' ~ route.view) }}
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
{%- for name, path in route.non_int_paths.items() %}


{{ test_def('test_' ~ route.view ~ '_needs_an_int_' ~ name) }}
    response = client.{{ route.method|lower }}({{ path|pystr }})
    assert response.status_code == 404
{%- if c.error_handlers %}
    assert response.is_json
    assert isinstance(response.json['error'], str)
{%- endif %}
{%- endfor %}
{%- endfor %}
{%- for block in tests %}


{{ block }}
{%- endfor %}
