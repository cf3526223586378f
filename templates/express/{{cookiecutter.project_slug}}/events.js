{%- set c = cookiecutter -%}
{%- set redis = c.events_broker.startswith('redis') -%}
'use strict';

// Server-sent events: GET /events streams them, POST /events publishes one.

const EventEmitter = require('node:events');

const express = require('express');
{%- if redis %}
const { createClient } = require('redis');
{%- endif %}

// An idle stream gets a comment line every HEARTBEAT seconds, so that proxies
// keep it open (EVENTS_HEARTBEAT, whole seconds, overrides it: checks set it
// short); RETRY_MS tells EventSource how long to wait before it reconnects.
const HEARTBEAT = /^[1-9][0-9]{0,3}$/.test(process.env.EVENTS_HEARTBEAT ?? '')
  ? Number(process.env.EVENTS_HEARTBEAT)
  : {{ c.events_heartbeat|int }};
const RETRY_MS = 3000;
// The events kept for clients that reconnect with Last-Event-ID.
const HISTORY = {{ c.events_history|int }};
{%- if not c.json_body %}
// The largest body POST /events accepts, in bytes.
const BODY_LIMIT = 102_400;
{%- endif %}
const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const LAST_EVENT_ID = /^[0-9]{1,15}$/;
const LINE_BREAK = /\r\n|\r|\n/;

// One server-sent event: its id:, event: and data: lines, then a blank line.
// Each line of data has a data: line of its own (EventSource joins them with
// line breaks again), so no value can end the event early or start another.
function sseEvent(data, event, id) {
  const lines = [];
  for (const [field, value] of [
    ['id', id],
    ['event', event],
  ]) {
    if (value === undefined) continue;
    if (LINE_BREAK.test(String(value))) {
      throw new Error(`${field} ${JSON.stringify(value)} holds a line break`);
    }
    lines.push(`${field}: ${value}`);
  }
  for (const line of data.split(LINE_BREAK)) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

// The events of this process: the latest HISTORY of them, each written out
// once, and an 'event' for every stream when one arrives.
class Broker extends EventEmitter {
  constructor(size) {
    super();
    this.setMaxListeners(0); // one listener per open stream
    this.size = size;
    this.events = []; // { id, text }, oldest first
    this.lastId = 0;
    this.closed = false;
  }

  add(id, event, data) {
    const added = { id, text: sseEvent(data, event, id) };
    this.events.push(added);
    if (this.events.length > this.size) this.events.shift();
    this.lastId = id;
    this.emit('event', added);
  }

  // Send an event (its data as JSON text) to every stream; resolve to its id.
  async publish(event, data) {
    const id = this.lastId + 1;
    this.add(id, event, data);
    return id;
  }

  // The id of the last event published.
  async latest() {
    return this.lastId;
  }

  // The events of the history after lastId.
  async missed(lastId) {
    return this.events.filter((event) => event.id > lastId);
  }

  // End every stream: the server is stopping (EventSource then reconnects).
  close() {
    this.closed = true;
    this.emit('close');
  }
}
{%- if redis %}

// One step in Redis: the next id, the event added to the bounded history, and
// the message to every worker's subscriber ("ID EVENT DATA": the name is a
// token, the data one line of JSON).
const PUBLISH = `
local id = redis.call('INCR', KEYS[1])
local message = id .. ' ' .. ARGV[1] .. ' ' .. ARGV[2]
redis.call('RPUSH', KEYS[2], message)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[3]), -1)
redis.call('PUBLISH', KEYS[3], message)
return id
`;
const KEYS = ['events:last-id', 'events:history', 'events'];

// "ID EVENT DATA" as [id, event, data].
function parseMessage(message) {
  const [id, event] = message.split(' ', 2);
  return [Number(id), event, message.slice(id.length + event.length + 2)];
}

// Events through Redis: published by any worker, streamed by every one. A
// subscriber in each worker hands them to its streams; the history and the ids
// live in Redis.
class RedisBroker extends Broker {
  constructor(size, url) {
    super(size);
    this.redis = createClient({ url });
    this.redis.on('error', (error) => console.error(`Redis: ${error.message}`));
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => {}); // reported once, above
    this.subscribed = null;
  }

  async publish(event, data) {
    await this.connected();
    const id = await this.redis.eval(PUBLISH, {
      keys: KEYS,
      arguments: [event, data, String(this.size)],
    });
    return Number(id);
  }

  async latest() {
    await this.connected();
    return Number((await this.redis.get(KEYS[0])) ?? 0);
  }

  async missed(lastId) {
    await this.connected();
    const messages = await this.redis.lRange(KEYS[1], 0, -1);
    return messages
      .map(parseMessage)
      .filter(([id]) => id > lastId)
      .map(([id, event, data]) => ({ id, text: sseEvent(data, event, id) }));
  }

  // Connected and subscribed once per process, on first use.
  connected() {
    this.subscribed ??= Promise.all([
      this.redis.connect(),
      this.subscriber
        .connect()
        .then(() =>
          this.subscriber.subscribe(KEYS[2], (message) =>
            this.add(...parseMessage(message)),
          ),
        ),
    ]);
    return this.subscribed;
  }
}

// Events go through Redis, so that every worker's streams get them; REDIS_URL
// overrides the address.
const broker = new RedisBroker(
  HISTORY,
  process.env.REDIS_URL || {{ c.events_broker|jsstr }},
);
{%- else %}

const broker = new Broker(HISTORY);
{%- endif %}

const router = express.Router();

// The events a reconnecting client missed (after its Last-Event-ID), then each
// one as it is published, with a heartbeat comment while there is none.
router.get('/', async (req, res) => {
  let lastId = await broker.latest();
  const sent = req.get('Last-Event-ID') ?? '';
  if (LAST_EVENT_ID.test(sent)) lastId = Math.min(Number(sent), lastId);
  res.set({
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    // Proxies must pass each event on at once (nginx reads X-Accel-Buffering).
    'X-Accel-Buffering': 'no',
  });
  if (req.method === 'HEAD' || broker.closed) return res.end();
  res.flushHeaders();
  const write = (text) => {
    res.write(text);
    heartbeat.refresh(); // a heartbeat only after HEARTBEAT idle seconds
{%- if c.compression %}
    // compression() holds output back until it has enough to compress well:
    // flush each event (its README's advice for server-sent events).
    res.flush();
{%- endif %}
  };
  const send = (event) => {
    if (event.id <= lastId) return;
    write(event.text);
    lastId = event.id;
  };
  // Listening before the history is read, so that no event falls between.
  const arrived = [];
  let live = false;
  const listener = (event) => (live ? send(event) : arrived.push(event));
  const end = () => res.end();
  broker.on('event', listener);
  broker.on('close', end);
  const heartbeat = setInterval(
    () => write(': heartbeat\n\n'),
    HEARTBEAT * 1000,
  );
  res.on('close', () => {
    clearInterval(heartbeat);
    broker.off('event', listener);
    broker.off('close', end);
  });
  write(`retry: ${RETRY_MS}\n\n`);
  (await broker.missed(lastId)).forEach(send);
  arrived.forEach(send);
  live = true;
});

// Publish {"event": NAME, "data": VALUE} to every stream; answer 202 with its id.
{%- if c.json_body %}
router.post('/', async (req, res) => {
{%- else %}
router.post('/', express.json({ limit: BODY_LIMIT }), async (req, res) => {
{%- endif %}
  const body = req.body;
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    !Object.hasOwn(body, 'data')
  ) {
    return res.status(400).json({
      error: 'the body must be {"event": NAME, "data": VALUE}',
    });
  }
  if (typeof body.event !== 'string' || !EVENT_NAME.test(body.event)) {
    return res
      .status(400)
      .json({ error: 'event must be 1 to 64 letters, digits, _ . : or -' });
  }
  const id = await broker.publish(body.event, JSON.stringify(body.data));
  res.status(202).json({ id });
});
{%- if not c.json_body %}

// A body too large or not JSON: a JSON answer, as for any other bad body.
router.use((err, req, res, next) => {
  if (err.type === 'entity.too.large') {
    return res
      .status(413)
      .json({ error: `the body is over ${BODY_LIMIT} bytes` });
  }
  if (err.type === 'entity.parse.failed') {
    return res.status(400).json({ error: 'the body is not valid JSON' });
  }
  next(err);
});
{%- endif %}

// End every open stream (server.js calls it when the server stops).
const close = () => broker.close();

module.exports = { router, sseEvent, close };
