{%- set c = cookiecutter -%}
{%- set routes = c._dualgen.routes -%}
'use strict';

const express = require('express');

// Case-sensitive and strict, as Flask's routing is.
const router = express.Router({ caseSensitive: true, strict: true });
{%- if routes|needs_is_int %}

// Flask's int converter takes digits only; any other value is not this route.
const isInt = (value) => /^\d+$/.test(value);
{%- endif %}
{%- for route in routes|sort(attribute='sort_key') %}

router.{{ route.method|lower }}({{ route.express_path|jsstr }}, (req, res{% if route.params|selectattr('type', 'equalto', 'int')|list %}, next{% endif %}) => {
{{ route|handler_body }}
});
{%- endfor %}
{%- if c.error_handlers %}
{%- for group in routes|path_groups %}

router.all({{ group.express_path|jsstr }}, (req, res{% if group.int_params %}, next{% endif %}) => {
{%- for name in group.int_params %}
  if (!isInt(req.params.{{ name }})) return next('route');
{%- endfor %}
  res.set('Allow', {{ group.allow|jsstr }});
  res.status(405).json({ error: 'Method Not Allowed' });
});
{%- endfor %}
{%- endif %}

module.exports = router;
