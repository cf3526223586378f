'use strict';

// Production entry point: Node's cluster module runs WEB_CONCURRENCY workers,
// else one per CPU this process may use. On SIGTERM or SIGINT the workers
// stop accepting connections and finish the requests in flight; those still
// busy after GRACEFUL_TIMEOUT seconds are killed. A worker that cannot start
// stops the server; one that crashes later is replaced, later and later if
// crashes repeat.
{%- if cookiecutter.env_file %}

// Load .env before anything reads process.env.
require('dotenv').config({ quiet: true });
{%- endif %}

// Production mode, unless NODE_ENV says otherwise.
process.env.NODE_ENV ??= 'production';

const cluster = require('node:cluster');
const fs = require('node:fs');
const os = require('node:os');

// The CPUs this process may use: its affinity mask, capped by the CPU quota.
function usableCpus(cpuMax = '/sys/fs/cgroup/cpu.max') {
  const cpus = os.availableParallelism();
  try {
    // cgroup v2: 'QUOTA PERIOD' in microseconds, or 'max PERIOD' for no quota.
    const [quota, period] = fs.readFileSync(cpuMax, 'utf8').split(' ');
    if (quota !== 'max') return Math.min(cpus, Math.ceil(quota / period));
  } catch {
    // No such file: no quota.
  }
  return cpus;
}

if (cluster.isPrimary) {
  const workers = Number(process.env.WEB_CONCURRENCY) || usableCpus();
{%- if cookiecutter.rate_limit and cookiecutter.rate_limit_storage == 'memory://' %}
  // The limiter counts in each worker's memory: say so when there are several.
  if (workers > 1) {
    const most = workers * {{ cookiecutter.rate_limit_max|int }};
    console.warn(
      `rate limits count per worker: ${workers} workers let a client make up ` +
        `to ${most} requests in {{ cookiecutter.rate_limit_window|int }} s; to share the counts, generate the ` +
        'project with --set rate-limit.storage=redis://HOST:6379 (REDIS_URL ' +
        'then sets the address)',
    );
  }
{%- endif %}
{%- if cookiecutter.events and cookiecutter.events_broker == 'memory://' %}
  // Events live in each worker's memory: say so when there are several.
  if (workers > 1) {
    console.warn(
      `events stay within one worker: an event posted to one of ${workers} ` +
        'workers reaches only the streams that worker holds; to share them, ' +
        'generate the project with --set events.broker=redis://HOST:6379 ' +
        '(REDIS_URL then sets the address)',
    );
  }
{%- endif %}
  const grace = Number(process.env.GRACEFUL_TIMEOUT) || 30;
  const running = new Set();
  const listening = new WeakSet();
  const restarts = new Set();
  let stopping = false;
  let delay = 0;
  let lastCrash = 0;

  const stop = (code) => {
    if (stopping) return;
    stopping = true;
    process.exitCode = code;
    restarts.forEach(clearTimeout);
    // Each worker stops as when signalled itself (below).
    running.forEach((worker) => worker.process.kill('SIGTERM'));
    setTimeout(() => {
      console.error(`workers still busy after ${grace} s: killing them`);
      running.forEach((worker) => worker.process.kill('SIGKILL'));
      process.exitCode = 1;
    }, grace * 1000).unref();
  };

  cluster.on('fork', (worker) => running.add(worker));
  cluster.on('listening', (worker) => listening.add(worker));
  cluster.on('exit', (worker, code, signal) => {
    running.delete(worker);
    if (stopping || worker.exitedAfterDisconnect) return;
    const how = signal ?? `code ${code}`;
    if (!listening.has(worker)) {
      console.error(
        `worker ${worker.process.pid} failed to start (${how}): stopping`,
      );
      stop(1);
      return;
    }
    // Back off while crashes repeat: 0.1 s, doubling up to 30 s.
    const now = Date.now();
    delay = now - lastCrash > 60_000 ? 100 : Math.min(delay * 2, 30_000);
    lastCrash = now;
    console.error(
      `worker ${worker.process.pid} died (${how}); replacing it in ${delay} ms`,
    );
    const restart = setTimeout(() => {
      restarts.delete(restart);
      cluster.fork();
    }, delay);
    restarts.add(restart);
  });

  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  // `npm run` starts this through a shell that does not pass signals on:
  // when npm is stopped, the shell goes and leaves this process. Stop too.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && stop(0), 500).unref();
  }

{%- if cookiecutter.database %}

  // The schema first, once, before any worker starts: the pending migrations
  // (as npm run migrate).
  const db = require('./db');
  db.migrate
    .latest()
    .then(() => db.destroy())
    .then(() => {
      console.log('Database: pending migrations applied');
      for (let i = 0; i < workers; i += 1) cluster.fork();
    });
{%- else %}

  for (let i = 0; i < workers; i += 1) cluster.fork();
{%- endif %}
} else {
  const app = require('./app');
{%- if cookiecutter.events %}
  const events = require('./events');
{%- endif %}
  const port = Number(process.env.PORT) || {{ cookiecutter.port|int }};
  const host = process.env.HOST || {{ cookiecutter.host|jsstr }};
  app.listen(port, host, (error) => {
    if (error) {
      console.error(`cannot listen on port ${port}: ${error.message}`);
      process.exit(1);
    }
  });
  // On SIGTERM from the primary, or SIGINT (Ctrl-C reaches every process):
  // close the server and let the requests in flight finish, once.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
{%- if cookiecutter.events %}
    // An event stream never ends by itself: end the open ones, so that their
    // clients reconnect (to a server still running) at once instead of at the
    // end of the grace period.
    events.close();
{%- endif %}
    cluster.worker.disconnect();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Then exit, whatever else is still open (a database or Redis client).
  cluster.worker.on('disconnect', () => process.exit());
}
