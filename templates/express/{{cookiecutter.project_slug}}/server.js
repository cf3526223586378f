'use strict';

// Production entry point: Node's cluster module runs one worker per CPU
// (or WEB_CONCURRENCY) and replaces a worker that dies.
const cluster = require('node:cluster');
const os = require('node:os');

if (cluster.isPrimary) {
  const workers =
    Number(process.env.WEB_CONCURRENCY) || os.availableParallelism();
  for (let i = 0; i < workers; i += 1) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (worker.exitedAfterDisconnect) return;
    console.error(`worker ${worker.process.pid} died (${signal ?? code})`);
    cluster.fork();
  });
} else {
  const app = require('./app');
  const port = Number(process.env.PORT) || {{ cookiecutter.port|int }};
  const host = process.env.HOST || {{ cookiecutter.host|jsstr }};
  app.listen(port, host, (error) => {
    if (error) throw error;
  });
}
