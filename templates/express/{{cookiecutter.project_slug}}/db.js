'use strict';

// The database: one Knex instance for the whole app, as knexfile.js configures it.

const knex = require('knex');

module.exports = knex(require('./knexfile'));
