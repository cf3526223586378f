'use strict';

// The bare Express Hello World the generated servers are measured against.
const express = require('express');

const app = express();

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

module.exports = app;

if (require.main === module) {
  app.listen(Number(process.env.PORT) || 3000, process.env.HOST || '127.0.0.1');
}
