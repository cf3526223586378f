import assert from 'node:assert/strict';
import { test } from 'node:test';

import request from 'supertest';

import app from '../src/app.mjs';

test('hello', async () => {
  const response = await request(app).get('/');
  assert.equal(response.text, 'Hello, World!');
});

test('a user id is a number', async () => {
  const response = await request(app).get('/users/42');
  assert.deepEqual(response.body, { route: 'GET /users/{id:int}', params: { id: 42 } });
});

test('an id that is no number is not found', async () => {
  const response = await request(app).get('/users/abc');
  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'Not Found' });
});

test('create a user', async () => {
  const response = await request(app).post('/users').send({ name: 'Ada' });
  assert.equal(response.status, 201);
});
