const express = require('express');

const app = express();
app.disable('x-powered-by');

app.get('/', (req, res) => {
  res.send('Hello, World!');
});

const port = Number(process.env.PORT) || 3000;
app.listen(port, process.env.HOST || '127.0.0.1', () => {
  console.log(`listening on ${port}`);
});
