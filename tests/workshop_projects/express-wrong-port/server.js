const express = require('express');

const app = express();
app.disable('x-powered-by');

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

app.get('/users/:id', (req, res, next) => {
  if (!/^\d+$/.test(req.params.id)) return next();
  res.json({ route: 'GET /users/{id:int}', params: { id: Number(req.params.id) } });
});

// Always the same port, whatever PORT says.
const port = 3999;
app.listen(port, process.env.HOST || '127.0.0.1', () => {
  console.log(`listening on ${port}`);
});
