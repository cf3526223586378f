import { STATUS_CODES } from 'node:http';

import cors from 'cors';
import express from 'express';

import users from './users.mjs';

const app = express();
app.disable('x-powered-by');

app.use(cors({ origin: 'http://localhost:5173' }));
app.use(express.json({ limit: 102400 }));
app.use(users);

app.use((req, res) => {
  res.status(404).json({ error: 'Not Found' });
});

app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  const status = err.status || 500;
  res.status(status).json({ error: STATUS_CODES[status] });
});

export default app;
