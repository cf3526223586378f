{%- set c = cookiecutter -%}
{%- set routes = c._dualgen.routes -%}
'use strict';
{%- if routes|selectattr('delay')|list %}

const { setTimeout: sleep } = require('node:timers/promises');
{%- endif %}

const express = require('express');
{%- if routes|selectattr('cpu')|list %}

const { burn } = require('../work');
{%- endif %}

{%- import 'strict-parity.js.j2' as strict with context %}
{%- if c.strict_parity %}

{{ strict.router()|trim }}
{%- else %}

const router = express.Router();
{%- endif %}
{%- if routes|needs_is_int %}

// An int parameter is 1 to 15 digits 0-9 (a number JavaScript holds exactly); any other
// value is not this route.
const isInt = (value) => /^[0-9]{1,15}$/.test(value);
{%- endif %}
{%- set target = 'router' %}{% include 'routes.js.j2' %}
{%- if c.strict_parity and routes|needs_is_int %}

{{ strict.options_not_found()|trim }}
{%- endif %}

module.exports = router;
