{%- set c = cookiecutter -%}
{%- if c.database_url.startswith('postgresql:') -%}
'use strict';

// Knex's settings, read by the app (db.js) and by the knex command
// (npm run migrate). DATABASE_URL in the environment overrides the URL, and
// gives the user and password that the code never holds:
// postgresql://USER:PASSWORD@HOST:PORT/DATABASE.

const path = require('node:path');

const DATABASE_URL = {{ c.database_url|jsstr }};

const url = process.env.DATABASE_URL || DATABASE_URL;
if (!/^postgres(ql)?:\/\//.test(url)) {
  throw new Error('DATABASE_URL must start with postgresql://');
}

module.exports = {
  client: 'pg',
  connection: url,
  migrations: { directory: path.join(__dirname, 'migrations') },
};
{%- else -%}
'use strict';

// Knex's settings, read by the app (db.js) and by the knex command
// (npm run migrate). DATABASE_URL in the environment overrides the URL; a
// relative SQLite path is a file beside this one.

const path = require('node:path');

const DATABASE_URL = {{ c.database_url|jsstr }};
const SQLITE = 'sqlite:///';

const url = process.env.DATABASE_URL || DATABASE_URL;
if (!url.startsWith(SQLITE)) {
  throw new Error(`DATABASE_URL must start with ${SQLITE}`);
}

module.exports = {
  client: 'better-sqlite3',
  connection: { filename: path.resolve(__dirname, url.slice(SQLITE.length)) },
  useNullAsDefault: true,
  migrations: {
    directory: path.join(__dirname, 'migrations'),
    // A resource removed with dualgen update takes its migration file away (its
    // table stays): the other migrations, applied or not, still run.
    disableMigrationsListValidation: true,
  },
  pool: {
    // WAL mode: readers do not wait for a writer, and the cluster's workers may
    // write (each waits up to 5 s, better-sqlite3's default timeout).
    afterCreate(connection, done) {
      connection.pragma('journal_mode = WAL');
      done();
    },
  },
};
{%- endif %}
