'use strict';

// The anchor of `dualgen bench --scenario resource`: the bench's resource read
// and created the way Express's and Knex's documentation write it, with the
// generated project's pinned packages (Knex over better-sqlite3 or pg), in its
// database (the bench applies the generated migrations first). Not generated
// code: the bench puts it in a copy of the generated project as app.js, which
// the project's server.js runs in the Node cluster. It reads no user value.

const express = require('express');
const knex = require('knex');

const SQLITE = 'sqlite:///';

function connect(url) {
  if (url.startsWith(SQLITE)) {
    return knex({
      client: 'better-sqlite3',
      connection: { filename: url.slice(SQLITE.length) },
      useNullAsDefault: true,
    });
  }
  // node-postgres's documented way to read a bigint (the ids) as a number.
  require('pg').types.setTypeParser(20, (value) => parseInt(value, 10));
  return knex({ client: 'pg', connection: url });
}

const db = connect(process.env.DATABASE_URL);
const app = express();
app.use(express.json());

app.get('/bench/items/:id', async (req, res) => {
  const item = await db('bench_items').where({ id: req.params.id }).first();
  if (!item) return res.status(404).json({ error: 'Not Found' });
  res.json(item);
});

app.post('/bench/items', async (req, res) => {
  const { name, price, quantity } = req.body;
  const [item] = await db('bench_items')
    .insert({ name, price, quantity })
    .returning('*');
  res.status(201).location(`/bench/items/${item.id}`).json(item);
});

module.exports = app;

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000;
  app.listen(port, process.env.HOST || '127.0.0.1');
}
