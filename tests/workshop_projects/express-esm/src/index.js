import { STATUS_CODES } from 'node:http';

import cors from 'cors';
import express from 'express';
import morgan from 'morgan';

const app = express();
app.disable('x-powered-by');

app.use(morgan('tiny'));
app.use(cors({ origin: 'http://localhost:5173' }));
app.use(express.json({ limit: 102400 }));

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

app.route('/')
  .all((req, res) => {
    res.set('Allow', 'GET, HEAD, OPTIONS');
    res.status(405).json({ error: 'Method Not Allowed' });
  });

app.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) return next('route');
  res.json({ route: 'GET /users/{id:int}', params: { id: Number(req.params.id) } });
});

app.post('/users', (req, res) => {
  res.status(201).json({ created: true });
});

app.use((req, res) => {
  res.status(404).json({ error: 'Not Found' });
});

app.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  const status = err.status || 500;
  res.status(status).json({ error: STATUS_CODES[status] });
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, process.env.HOST || '127.0.0.1', (error) => {
  if (error) throw error;
  console.log(`listening on ${port}`);
});
