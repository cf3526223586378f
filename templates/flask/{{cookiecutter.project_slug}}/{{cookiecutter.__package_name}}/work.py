"""Simulated CPU work for the routes that ask for it: the same computation as the Express
project's work.js, calibrated when the server starts so that burn(ms) keeps one CPU busy for
about ms milliseconds on this machine."""

import time


def spin(iterations):
    """A deterministic computation: iterations steps of a small hash."""
    value = 0
    for step in range(iterations):
        value = (value * 31 + step) % 1000003
    return value


def calibrate(seconds=0.05):
    """How many iterations take one millisecond of this process's CPU time."""
    iterations, started = 0, time.process_time()
    while (spent := time.process_time() - started) < seconds:
        spin(10000)
        iterations += 10000
    return iterations / (spent * 1000)


ITERATIONS_PER_MS = calibrate()


def burn(ms):
    """Keep one CPU busy for about ms milliseconds."""
    return spin(round(ms * ITERATIONS_PER_MS))
