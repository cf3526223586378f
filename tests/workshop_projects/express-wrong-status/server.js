const express = require('express');

const app = express();
app.disable('x-powered-by');

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

app.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) {
    return res.status(400).json({ error: 'id must be a number' });
  }
  res.json({ route: 'GET /users/{id:int}', params: { id: Number(req.params.id) } });
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, process.env.HOST || '127.0.0.1', () => {
  console.log(`listening on ${port}`);
});
