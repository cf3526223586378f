{%- set c = cookiecutter -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{#- From each chosen middleware's test partial (templates/tests/KEY.js.j2): its constants and
    its tests. -#}
{%- set constants, tests, loader, builtins, packages, locals, before_app, hooks = [], [], [], [], [], [], [], [] -%}
{%- for key in middleware -%}
{%- import 'tests/' ~ key ~ '.js.j2' as partial with context -%}
{%- for line in (partial.requires() if partial.requires is defined else '').strip().splitlines() -%}
{%- set _ = (builtins if "require('node:" in line else locals if "require('." in line else packages).append(line) -%}
{%- endfor -%}
{%- if partial.constants is defined %}{% set _ = constants.append(partial.constants()|trim) %}{% endif -%}
{%- if partial.load_app is defined %}{% set _ = loader.append(partial.load_app()|trim) %}{% endif -%}
{%- if partial.before_app is defined %}{% set _ = before_app.append(partial.before_app()|trim) %}{% endif -%}
{%- if partial.hooks is defined %}{% set _ = hooks.append(partial.hooks()|trim) %}{% endif -%}
{%- set written = partial.tests()|trim if partial.tests is defined else '' -%}
{%- if written %}{% set _ = tests.append(written) %}{% endif -%}
{%- endfor -%}
{#- The resources' tests (templates/tests/resources.js.j2): a describe() each. -#}
{%- if c._dualgen.resources -%}
{%- import 'tests/resources.js.j2' as resources with context -%}
{%- set _ = constants.append(resources.constants()|trim) -%}
{%- set _ = tests.append(resources.tests()|trim) -%}
{%- endif -%}
{%- set runner = ['after', 'before'] if hooks else [] -%}
{%- set _ = runner.append('beforeEach') if loader -%}
{%- set _ = runner.append('describe') if c._dualgen.resources -%}
{%- set _ = runner.append('test') -%}
'use strict';

const assert = require('node:assert/strict');
{%- for line in builtins %}
{{ line }}
{%- endfor %}
const { {{ runner|join(', ') }} } = require('node:test');

{%- for line in packages %}
{{ line }}
{%- endfor %}
const request = require('supertest');
{%- for block in before_app %}

{{ block }}
{%- endfor %}

{{ loader[0] if loader else "const app = require('../app');" }}
{%- for line in locals %}
{{ line }}
{%- endfor %}
{%- for block in constants + hooks %}

{{ block }}
{%- endfor %}
{%- for route in c._dualgen.routes %}

test({{ (route.method ~ ' ' ~ route.path)|jsstr }}, async () => {
{%- set call = 'request(app).' ~ route.method|lower %}
{%- set line = '  const response = await ' ~ call ~ '(' ~ route.sample_path|jsstr ~ ');' %}
{%- if line|length <= 80 %}
{{ line }}
{%- else %}
  const response = await {{ call }}(
    {{ route.sample_path|jsstr }},
  );
{%- endif %}
{%- if route.kind == 'error' %}
  assert.equal(response.status, 500);
{%- if c.error_handlers %}
  assert.deepEqual(response.body, { error: 'Internal Server Error' });
{%- endif %}
{%- else %}
  assert.equal(response.status, {{ route.status }});
{%- if route.kind == 'text' %}
{{ route.text|jsconst('expected') }}
  assert.equal(response.text, expected);
{%- elif not route.no_body %}
{{ route.body|jsconst('expected') }}
  assert.deepEqual(response.body, expected);
{%- endif %}
{%- endif %}
});
{%- for name, path in route.non_int_paths.items() %}

test({{ (route.method ~ ' ' ~ route.path ~ ' needs an int ' ~ name)|jsstr }}, async () => {
{%- set line = '  const response = await ' ~ call ~ '(' ~ path|jsstr ~ ');' %}
{%- if line|length <= 80 %}
{{ line }}
{%- else %}
  const response = await {{ call }}(
    {{ path|jsstr }},
  );
{%- endif %}
  assert.equal(response.status, 404);
{%- if c.error_handlers %}
  assert.equal(response.type, 'application/json');
  assert.equal(typeof response.body.error, 'string');
{%- endif %}
});
{%- endfor %}
{%- endfor %}
{%- for block in tests %}

{{ block }}
{%- endfor %}
