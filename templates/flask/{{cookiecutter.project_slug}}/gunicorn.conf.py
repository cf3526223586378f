import math
import os
import signal
{%- if cookiecutter.database %}
import subprocess
import sys
{%- endif %}
{%- if cookiecutter.env_file %}

from dotenv import load_dotenv

load_dotenv()
{%- endif %}


def usable_cpus(cpu_max='/sys/fs/cgroup/cpu.max'):
    """The CPUs this process may use: its affinity mask, capped by the CPU quota."""
    if hasattr(os, 'sched_getaffinity'):  # Linux
        cpus = len(os.sched_getaffinity(0))
    else:
        cpus = os.cpu_count() or 1
    try:
        # cgroup v2: 'QUOTA PERIOD' in microseconds, or 'max PERIOD' for no quota.
        with open(cpu_max) as file:
            quota, period = file.read().split()
        return min(cpus, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):  # no such file, or no quota
        return cpus


host = os.environ.get('HOST', {{ cookiecutter.host|pystr }})
port = os.environ.get('PORT', '{{ cookiecutter.port|int }}')
# An IPv6 address goes in brackets: [::1]:{{ cookiecutter.port|int }}.
bind = f'[{host}]:{port}' if ':' in host else f'{host}:{port}'
# gunicorn's advice: two workers per CPU, plus one.
workers = int(os.environ.get('WEB_CONCURRENCY', usable_cpus() * 2 + 1))
# On SIGTERM, stop accepting and give the requests in flight this many seconds.
graceful_timeout = int(os.environ.get('GRACEFUL_TIMEOUT', '30'))
{%- set worker_class = cookiecutter.production_server_worker_class %}
{%- if cookiecutter.events %}
{%- set worker_class = 'gevent' %}
{%- endif %}
{%- if worker_class == 'gthread' %}
# Threads per worker: each serves one request at a time, so a worker serves as many at once.
worker_class = 'gthread'
threads = int(os.environ.get('GUNICORN_THREADS', '8'))
# Every answer closes its connection, as sync workers do: before a kept-alive
# connection's next request gunicorn reads at most 64 KiB of a body the app
# refused unread (a 413), and otherwise drops the connection it said it kept.
keepalive = 0
{%- elif worker_class == 'gevent' %}
{%- if cookiecutter.events %}
# A greenlet per request, so that a worker holds many open event streams at once (a thread
# or a sync worker would be taken for as long as a stream stays open).
{%- else %}
# A greenlet per request: a worker serves many at once while they wait.
{%- endif %}
worker_class = 'gevent'
worker_connections = int(os.environ.get('GUNICORN_CONNECTIONS', '1000'))
{%- endif %}


def post_fork(server, worker):
    # A new worker runs the master's signal handlers until gunicorn sets its own
    # (after the worker class's set-up: gevent's patches take a moment). They
    # would only note a stop signal in this process's copy of the master, so the
    # worker would boot and serve on while the master waits out graceful_timeout.
    # Until gunicorn's handlers are set, a stop signal ends the worker at once:
    # it has served nothing yet.
    def stop_at_once(signum, frame):
        os._exit(0)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        signal.signal(signum, stop_at_once)
{%- if cookiecutter.database %}


def on_starting(server):
    """The schema first, once, before any worker starts: the pending migrations, by the
    documented command (flask db upgrade)."""
    subprocess.run([sys.executable, '-m', 'flask', 'db', 'upgrade'], check=True)
    server.log.info('Database: pending migrations applied')
{%- endif %}
{%- set limits_per_worker = cookiecutter.rate_limit and cookiecutter.rate_limit_storage == 'memory://' %}
{%- set events_per_worker = cookiecutter.events and cookiecutter.events_broker == 'memory://' %}
{%- if limits_per_worker or events_per_worker %}


def when_ready(server):
{%- set what = {(true, false): 'The limiter counts', (false, true): 'Events live', (true, true): 'The limiter counts and events live'}[(limits_per_worker, events_per_worker)] %}
    # {{ what }} in each worker's memory: say so when there are several.
    if server.cfg.workers > 1:
{%- if limits_per_worker %}
        server.log.warning(
            'rate limits count per worker: %d workers let a client make up to %d '
            'requests in {{ cookiecutter.rate_limit_window|int }} s; to share the counts, generate the project with '
            '--set rate-limit.storage=redis://HOST:6379 (REDIS_URL then sets the '
            'address)',
            server.cfg.workers,
            server.cfg.workers * {{ cookiecutter.rate_limit_max|int }},
        )
{%- endif %}
{%- if events_per_worker %}
        server.log.warning(
            'events stay within one worker: an event posted to one of %d workers reaches '
            'only the streams that worker holds; to share them, generate the project with '
            '--set events.broker=redis://HOST:6379 (REDIS_URL then sets the address)',
            server.cfg.workers,
        )
{%- endif %}
{%- endif %}
{%- if cookiecutter.events %}


def post_worker_init(worker):
    # On SIGTERM a worker stops accepting and gives the requests in flight
    # graceful_timeout seconds, but an event stream never ends by itself: end the
    # open streams too, so that their clients reconnect (to a server still running)
    # at once instead of at the end of the grace period.
    from gevent import spawn
{%- if cookiecutter.__layout == 'package' %}

    from {{ cookiecutter.__package_name }}.events import broker
{%- else %}

    from app import broker
{%- endif %}

    def exit_and_end_streams(signum, frame):
        worker.handle_exit(signum, frame)
        # Out of the signal handler, as gunicorn's gevent worker does.
        spawn(broker.close)

    signal.signal(signal.SIGTERM, exit_and_end_streams)
    signal.siginterrupt(signal.SIGTERM, False)  # as gunicorn sets it
{%- endif %}
