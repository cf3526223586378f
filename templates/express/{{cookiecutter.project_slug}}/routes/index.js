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

// Case-sensitive and strict, as Flask's routing is.
const router = express.Router({ caseSensitive: true, strict: true });
{%- if routes|needs_is_int %}

// Flask's int converter takes digits only; any other value is not this route.
const isInt = (value) => /^\d+$/.test(value);
{%- endif %}
{%- set target = 'router' %}{% include 'routes.js.j2' %}

module.exports = router;
