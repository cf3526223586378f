'use strict';

// The production preset's libraries wired as their READMEs show them: the reference
// `python -m benchmarks.speed_bench` measures the generated production project against.
// Same features and values as the preset (request id, a JSON access log line, helmet, CORS
// for one origin, compression, one rate limit, JSON bodies, JSON errors). Its routes are on an
// express.Router, as express-generator and the generated project lay them out (the layout is
// held equal, so that the ratio measures the wiring). Run it as the generated project runs:
// `node server.js` with the generated server.js and package.json.
require('dotenv').config({ quiet: true });

const { randomUUID } = require('node:crypto');

const compression = require('compression');
const cors = require('cors');
const express = require('express');
const { rateLimit } = require('express-rate-limit');
const helmet = require('helmet');
const morgan = require('morgan');

const app = express();

// A client's request id is echoed only when it is short and plain (as in the preset).
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

app.use((req, res, next) => {
  const incoming = req.get('X-Request-ID') ?? '';
  req.id = REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.set('X-Request-ID', req.id);
  next();
});
// morgan README: a format function returning the line.
app.use(
  morgan((tokens, req, res) =>
    JSON.stringify({
      time: tokens.date(req, res, 'iso'),
      method: tokens.method(req, res),
      path: tokens.url(req, res),
      status: Number(tokens.status(req, res)),
      bytes: Number(tokens.res(req, res, 'content-length')) || null,
      duration_ms: Number(tokens['response-time'](req, res)),
      request_id: req.id,
      client: tokens['remote-addr'](req, res),
    }),
  ),
);
app.use(helmet());
app.use(cors({ origin: ['http://localhost:5173'] }));
app.use(compression());
app.use(
  rateLimit({
    windowMs: 60 * 1000,
    limit: 1000000,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
  }),
);
app.use(express.json());

// Express's routing guide (express.Router): the routes on a router, mounted on the app.
const router = express.Router();

router.get('/', (req, res) => {
  res.send('Hello, World!');
});

router.post('/api/items', (req, res) => {
  res.status(201).json({ received: req.body });
});

app.use(router);

// Express's FAQ (404) and error-handling guide.
app.use((req, res) => {
  res.status(404).json({ error: 'Not Found' });
});
app.use((err, req, res, next) => {
  console.error(err.stack);
  const status = err.status >= 400 ? err.status : 500;
  res.status(status).json({ error: err.expose ? err.message : 'Internal Server Error' });
});

module.exports = app;

if (require.main === module) {
  app.listen(Number(process.env.PORT) || 3000, process.env.HOST || '127.0.0.1');
}
