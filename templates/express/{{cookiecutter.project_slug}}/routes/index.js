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

// Flask's int converter (as the app sets it up) takes 1 to 15 digits 0-9; any other value
// is not this route.
const isInt = (value) => /^[0-9]{1,15}$/.test(value);
{%- endif %}
{%- set target = 'router' %}{% include 'routes.js.j2' %}
{%- if routes|needs_is_int %}

// Flask answers 404 for a path whose int check failed; Express would answer OPTIONS
// for it on its own.
router.options('*path', (req, res, next) => {
  next(Object.assign(new Error('Not Found'), { status: 404 }));
});
{%- endif %}

module.exports = router;
