{%- set c = cookiecutter -%}
{%- set package = c.__layout == 'package' -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{#- From strict parity's and each chosen middleware's partial: Node's modules, packages by name,
    constants; and whether a request can fail, which calls for a final error handler (never
    a stack trace). -#}
{%- set builtins, packages, constants = {}, {'express': "const express = require('express');"}, [] -%}
{%- set can_fail = [package or c._dualgen.routes|selectattr('kind', 'equalto', 'error')|list] -%}
{%- set partials = ['strict-parity.js.j2'] if c.strict_parity else [] -%}
{%- for key in middleware %}{% set _ = partials.append('middleware/' ~ key ~ '.js.j2') %}{% endfor -%}
{%- for name in partials -%}
{%- import name as partial with context -%}
{%- for line in (partial.requires() if partial.requires is defined else '').strip().splitlines() -%}
{%- set module = line.split("require('")[1].split("'")[0] -%}
{%- if module.startswith('node:') %}{% set _ = builtins.update({module: line}) %}{% else %}{% set _ = packages.update({module: line}) %}{% endif -%}
{%- endfor -%}
{%- if partial.constants is defined and partial.constants()|trim %}{% set _ = constants.append(partial.constants()|trim) %}{% endif -%}
{%- if partial.can_fail is defined %}{% set _ = can_fail.append(true) %}{% endif -%}
{%- endfor -%}
{#- Export the app (and listen only when run directly) once tests or a cluster load it. -#}
{%- set exported = package or c.tests or c.production_server -%}
{%- import 'strict-parity.js.j2' as strict with context -%}
{#- GET /healthz would have Express answer OPTIONS /healthz on its own; with strict parity, a
    final 404 keeps it to what Flask answers. -#}
{%- set catch_all = c.strict_parity and not c.error_handlers and c.health -%}
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
{%- for module, line in builtins|dictsort %}
{{ line }}
{%- endfor %}
{%- if builtins %}
{% endif %}
{%- for module, line in packages|dictsort %}
{{ line }}
{%- endfor %}
{%- if c.database %}

const db = require('./db');
{%- endif %}
{%- if c.__layout == 'package' %}
{{ '' if c.database else '\n' }}const routes = require('./routes');
{%- for r in c._dualgen.resources %}
const {{ r.router }} = require({{ ('./routes/' ~ r.module)|jsstr }});
{%- endfor %}
{%- endif %}
{%- for block in constants %}

{{ block }}
{%- endfor %}

const app = express();
app.disable('x-powered-by');
{%- if c.strict_parity %}
{{ strict.settings()|trim }}

{{ strict.setup()|trim }}
{%- endif %}
{#- A long middleware (paragraph) is set apart from the others by blank lines. -#}
{%- set spacing = namespace(after=false) %}
{%- for key in middleware %}
{%- import 'middleware/' ~ key ~ '.js.j2' as partial with context %}
{%- if partial.setup is defined %}
{%- if partial.paragraph is defined or spacing.after %}
{% endif %}
{{ partial.setup()|trim }}
{%- set spacing.after = partial.paragraph is defined %}
{%- endif %}
{%- endfor %}
{%- if c.__layout == 'package' %}
app.use(routes);
{%- for r in c._dualgen.resources %}
app.use({{ r.path|jsstr }}, {{ r.router }});
{%- endfor %}
{%- else %}
{%- set target = 'app' %}{% include 'routes.js.j2' %}
{%- endif %}
{%- if c.error_handlers %}
{%- import 'middleware/error-handlers.js.j2' as partial with context %}

{{ partial.after_routes()|trim }}
{%- elif catch_all %}

{{ strict.catch_all()|trim }}
{%- endif %}
{%- if not c.error_handlers and can_fail|select|list %}

{%- if c.debug %}
// Errors answer their status text; in debug, a 500 answers its stack trace.
{%- else %}
// Errors answer their status text, never a stack trace.
{%- endif %}
app.use((err, req, res, next) => {
  // Too late to answer: Express's own handler closes the connection.
  if (res.headersSent) return next(err);
  const status = err.status >= 400 ? err.status : 500;
  if (status >= 500) console.error(err);
{%- if c.debug %}
  if (status >= 500) return res.status(status).type('text').send(err.stack);
{%- endif %}
  res.sendStatus(status);
});
{%- endif %}
{%- if exported %}

module.exports = app;

if (require.main === module) {
  const port = Number(process.env.PORT) || {{ c.port|int }};
  const host = process.env.HOST || {{ c.host|jsstr }};
{%- set listen -%}
app.listen(port, host, (error) => {
  if (error) throw error;
  console.log(`Server running on http://localhost:${port}/`);
{%- for r in c._dualgen.resources if not c.database %}
  console.warn(
    {{ (r.path ~ ': items are kept in memory and reset when the server restarts')|jsstr }},
  );
{%- endfor %}
});
{%- endset %}
{%- if c.database %}
  // The schema first: the pending migrations (as npm run migrate), then listen.
  db.migrate.latest().then(() => {
    console.log('Database: pending migrations applied');
{{ listen|indent(4, first=True) }}
  });
{%- else %}
{{ listen|indent(2, first=True) }}
{%- endif %}
}
{%- else %}

const port = Number(process.env.PORT) || {{ c.port|int }};
const host = process.env.HOST || {{ c.host|jsstr }};
{%- set listen -%}
app.listen(port, host, (error) => {
  if (error) throw error;
  console.log(`Server running on http://localhost:${port}/`);
});
{%- endset %}
{%- if c.database %}

// The schema first: the pending migrations (as npm run migrate), then listen.
db.migrate.latest().then(() => {
  console.log('Database: pending migrations applied');
{{ listen|indent(2, first=True) }}
});
{%- else %}
{{ '\n' ~ listen }}
{%- endif %}
{%- endif %}
{% endif -%}
