{%- set c = cookiecutter -%}
{%- set package = c.__layout == 'package' -%}
{#- Export the app (and listen only when run directly) once tests or a cluster load it. -#}
{%- set exported = package or c.tests or c.production_server -%}
{#- A final error handler once something can fail: no stack trace reaches a client. -#}
{%- set can_fail = package or c.error_handlers or c.json_body or c.static
    or c._dualgen.routes|selectattr('kind', 'equalto', 'error')|list -%}
{%- if c.__layout == 'classic' -%}
const express = require('express');
const app = express();

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

app.listen(3000, () => {
  console.log('Server running on http://localhost:3000/');
});
{% else -%}
'use strict';
{% if c.env_file %}
// Load .env before anything reads process.env.
require('dotenv').config({ quiet: true });
{% endif %}
{%- if c.error_handlers %}
const http = require('node:http');
{%- endif %}
{%- if c.request_id %}
const { randomUUID } = require('node:crypto');
{%- endif %}
{%- if c.static %}
const path = require('node:path');
{%- endif %}
{%- if c.error_handlers or c.request_id or c.static %}
{% endif %}
{%- if c.compression %}
const compression = require('compression');
{%- endif %}
{%- if c.cors %}
const cors = require('cors');
{%- endif %}
const express = require('express');
{%- if c.rate_limit %}
const { rateLimit } = require('express-rate-limit');
{%- endif %}
{%- if c.security_headers %}
const helmet = require('helmet');
{%- endif %}
{%- if c.logging %}
const morgan = require('morgan');
{%- endif %}
{%- if c.__layout == 'package' %}

const routes = require('./routes');
{%- endif %}
{%- if c.request_id %}

// A client's request id is echoed only when it is short and plain.
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
{%- endif %}
{%- if c.error_handlers %}

// Flask's names for error statuses: Express calls 413 'Payload Too Large'.
const ERROR_NAMES = { ...http.STATUS_CODES, 413: 'Request Entity Too Large' };
{%- endif %}

const app = express();
app.disable('x-powered-by');
{%- if c.request_id %}

app.use((req, res, next) => {
  const incoming = req.get('X-Request-ID') ?? '';
  req.id = REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.set('X-Request-ID', req.id);
  next();
});
{%- endif %}
{%- if c.logging %}
app.use(morgan('tiny'));
{%- endif %}
{%- if c.security_headers %}
app.use(helmet());
{%- endif %}
{%- if c.cors %}
app.use(
  cors({
    origin: {{ c.cors_origins.split(',')|jsval(4, 8, 1) }},
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // cors answers preflights with 204 on its own; 200 matches flask-cors.
    optionsSuccessStatus: 200,
  }),
);
{%- endif %}
{%- if c.compression %}
app.use(compression());
{%- endif %}
{%- if c.rate_limit %}
// Clients are told apart by socket address: trust proxy stays off.
app.use(
  rateLimit({
    windowMs: {{ c.rate_limit_window|int }} * 1000,
    limit: {{ c.rate_limit_max|int }},
    standardHeaders: false,
    legacyHeaders: true,
{%- if c.error_handlers %}
    message: { error: 'Too Many Requests' },
{%- endif %}
  }),
);
{%- endif %}
{%- if c.json_body %}
app.use(express.json({ limit: {{ c.json_body_limit|int }} }));
{%- endif %}
{%- if c.static %}
app.use('/static', express.static(path.join(__dirname, 'static')));
{%- endif %}
{%- if c.__layout == 'package' %}
app.use(routes);
{%- else %}
{%- set target = 'app' %}{% include 'routes.js.j2' %}
{%- endif %}
{%- if can_fail %}
{%- if c.error_handlers %}

app.use((req, res) => {
  res.status(404).json({ error: 'Not Found' });
});

// Errors answer JSON, never a stack trace.
app.use((err, req, res, next) => {
  const status = err.status >= 400 ? err.status : 500;
  if (status >= 500) console.error(err);
  const error = status >= 500 ? 'Internal Server Error' : ERROR_NAMES[status];
  res.status(status).json({ error });
});
{%- else %}

// Errors answer their status text, never a stack trace.
app.use((err, req, res, next) => {
  const status = err.status >= 400 ? err.status : 500;
  if (status >= 500) console.error(err);
  res.sendStatus(status);
});
{%- endif %}
{%- endif %}
{%- if exported %}

module.exports = app;

if (require.main === module) {
  const port = Number(process.env.PORT) || {{ c.port|int }};
  const host = process.env.HOST || {{ c.host|jsstr }};
  app.listen(port, host, (error) => {
    if (error) throw error;
    console.log(`Server running on http://localhost:${port}/`);
  });
}
{%- else %}

const port = Number(process.env.PORT) || {{ c.port|int }};
const host = process.env.HOST || {{ c.host|jsstr }};

app.listen(port, host, (error) => {
  if (error) throw error;
  console.log(`Server running on http://localhost:${port}/`);
});
{%- endif %}
{% endif -%}
