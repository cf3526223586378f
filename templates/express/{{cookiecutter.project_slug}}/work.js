'use strict';

// Simulated CPU work for the routes that ask for it: the same computation as
// the Flask project's work.py, calibrated when the server starts so that
// burn(ms) keeps one CPU busy for about ms milliseconds on this machine.

// A deterministic computation: iterations steps of a small hash.
const spin = (iterations) => {
  let value = 0;
  for (let step = 0; step < iterations; step += 1) {
    value = (value * 31 + step) % 1000003;
  }
  return value;
};

// How many iterations take one millisecond of this process's CPU time.
const calibrate = (ms = 50) => {
  spin(1000000); // let the JIT compile spin() first
  const started = process.cpuUsage();
  let iterations = 0;
  let spent = 0;
  while (spent < ms) {
    spin(100000);
    iterations += 100000;
    const { user, system } = process.cpuUsage(started);
    spent = (user + system) / 1000;
  }
  return iterations / spent;
};

const iterationsPerMs = calibrate();

const burn = (ms) => spin(Math.round(ms * iterationsPerMs));

module.exports = { burn, spin };
