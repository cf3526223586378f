'use strict';

// The load client of `dualgen bench --streams`: holds many server-sent event
// streams open on one server, publishes events at a fixed rate, and measures
// how long each event takes from its POST to each stream that reads it.
//
//   node streams_client.js '{"port": 5000, "connections": 1000, "rate": 1, "duration": 10}'
//
// Plain Node (the http module, no packages): one socket per stream, read in
// one event loop, far cheaper than a Python client on the same cores. Every
// request goes to the host given (127.0.0.1 by default). It writes JSON lines
// on stdout: {"phase": "held", ...} once the streams are open, then
// {"phase": "done", ...} with the figures, while the streams are still open,
// so that the parent can read the server's memory; it closes them when its
// stdin ends (or after LINGER_MS), and stops by itself at a hard deadline in
// any case. The open-file limit is the one it inherits: Node cannot raise its
// own, so the Python parent raises it and says so when it cannot.

const http = require('node:http');
const { performance } = require('node:perf_hooks');

const options = {
  host: '127.0.0.1',
  connections: 100,
  rate: 1,
  duration: 10,
  openTimeout: 10, // seconds a stream may take to be answered
  openWindow: 12, // seconds for every stream to be answered, from the first
  inFlight: 256, // streams being opened at once (the server's listen backlog)
  settle: 2, // seconds after the last publish for it to reach every stream
  ...JSON.parse(process.argv[2] || '{}'),
};
const LINGER_MS = 30_000;
const HEAD = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };

const now = () => performance.timeOrigin + performance.now(); // ms, sub-ms
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

const latencies = []; // ms, one per event read by one stream
const streams = new Set(); // the requests of the held streams
let dropped = 0; // held streams the server ended before the client did
let closing = false;

const deadline = setTimeout(
  () => {
    process.stderr.write('streams client: hard deadline reached, stopping\n');
    process.exit(3);
  },
  (options.openWindow + options.duration + options.settle) * 1000 + LINGER_MS + 15_000,
);
deadline.unref();

// Read `data: {"t": ...}` lines of a stream and note each event's latency.
function reader(response) {
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk) => {
    const at = now();
    buffer += chunk;
    let end = buffer.indexOf('\n');
    while (end !== -1) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line.startsWith('data: ')) {
        try {
          const sent = JSON.parse(line.slice(6)).t;
          if (typeof sent === 'number') latencies.push(at - sent);
        } catch {
          // not one of ours (a value of another client): not timed
        }
      }
      end = buffer.indexOf('\n');
    }
  });
}

// Open one stream: resolves true once a 200 answer's headers arrive.
function open() {
  return new Promise((resolve) => {
    let done = false;
    const finish = (held) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(held);
    };
    const request = http.request({
      host: options.host,
      port: options.port,
      path: '/events',
      headers: HEAD,
      agent: false,
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish(false);
    }, options.openTimeout * 1000);
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        request.destroy();
        finish(false);
        return;
      }
      streams.add(request);
      response.on('close', () => {
        if (streams.delete(request) && !closing) dropped += 1;
      });
      reader(response);
      finish(true);
    });
    request.on('error', () => finish(false));
    request.end();
  });
}

// Open `connections` streams, at most `inFlight` at a time, within the window.
async function openAll() {
  const started = now();
  const windowEnd = started + options.openWindow * 1000;
  let next = 0;
  let held = 0;
  async function lane() {
    while (next < options.connections && now() < windowEnd) {
      next += 1;
      if (await open()) held += 1;
    }
  }
  await Promise.all(Array.from({ length: Math.min(options.inFlight, options.connections) }, lane));
  return { held: streams.size, answered: held, openSeconds: (now() - started) / 1000 };
}

// POST one event carrying the time it is sent; true when it is accepted.
function publish() {
  const body = JSON.stringify({ event: 'tick', data: { t: now() } });
  return new Promise((resolve) => {
    const request = http.request({
      host: options.host,
      port: options.port,
      path: '/events',
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: 5000,
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode === 200 || response.statusCode === 202);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end(body);
  });
}

// The value at share q of sorted values (nearest rank, as the Python side had it).
function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  const opened = await openAll();
  const held = streams.size;
  say({ phase: 'held', held, openSeconds: Math.round(opened.openSeconds * 100) / 100 });
  const count = Math.max(1, Math.round(options.duration * options.rate));
  const cpuStart = process.cpuUsage();
  const start = now();
  let published = 0;
  const pending = [];
  for (let i = 0; i < count; i += 1) {
    const wait = start + (i * 1000) / options.rate - now();
    if (wait > 0) await sleep(wait);
    pending.push(publish().then((ok) => (published += ok ? 1 : 0)));
  }
  await Promise.all(pending);
  await sleep(options.settle * 1000);
  const cpu = process.cpuUsage(cpuStart);
  const sorted = Float64Array.from(latencies).sort();
  const round = (ms) => Math.round(ms * 10) / 10;
  say({
    phase: 'done',
    held,
    published,
    failedPublishes: count - published,
    expected: published * held,
    delivered: latencies.length,
    dropped,
    p50: sorted.length ? round(quantile(sorted, 0.5)) : null,
    p99: sorted.length ? round(quantile(sorted, 0.99)) : null,
    max: sorted.length ? round(sorted[sorted.length - 1]) : null,
    openSeconds: Math.round(opened.openSeconds * 100) / 100,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100, // its own, as the server's
  });
  // The parent reads the server's memory with the streams still open, then
  // ends stdin; or it is gone, and LINGER_MS ends the wait.
  await new Promise((resolve) => {
    const linger = setTimeout(resolve, LINGER_MS);
    process.stdin.on('end', () => {
      clearTimeout(linger);
      resolve();
    });
    process.stdin.on('error', resolve);
    process.stdin.resume();
  });
  closing = true;
  for (const request of streams) request.destroy();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`streams client: ${error.stack || error}\n`);
  process.exit(1);
});
