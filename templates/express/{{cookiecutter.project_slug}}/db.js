{%- set c = cookiecutter -%}
'use strict';

// The database: one Knex instance for the whole app, as knexfile.js configures it.

const knex = require('knex');
{%- if c.database_url.startswith('postgresql:') %}
const pg = require('pg');

// node-postgres reads a bigint (the ids, the int fields, count(*)) as a string,
// as it may exceed 2 ** 53; the routers keep them within 2 ** 53 - 1, so each
// is read as the number it is.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
{%- endif %}

module.exports = knex(require('./knexfile'));
