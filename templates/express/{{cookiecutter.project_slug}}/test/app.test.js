{%- set c = cookiecutter -%}
'use strict';

const assert = require('node:assert/strict');
const { test } = require('node:test');

const request = require('supertest');

const app = require('../app');
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
{%- endfor %}
{%- if c.static %}

test('GET /static/style.css', async () => {
  const response = await request(app).get('/static/style.css');
  assert.equal(response.status, 200);
  assert.match(response.text, /font-family/);
});
{%- endif %}
