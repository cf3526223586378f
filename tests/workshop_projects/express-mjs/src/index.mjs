import app from './app.mjs';

const port = Number(process.env.PORT) || 3000;
app.listen(port, process.env.HOST || '127.0.0.1', (error) => {
  if (error) throw error;
  console.log(`listening on ${port}`);
});
