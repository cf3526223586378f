import math
import os
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
{%- if cookiecutter.production_server_worker_class == 'gthread' %}
# Threads per worker: each serves one request at a time, so a worker serves as many at once.
worker_class = 'gthread'
threads = int(os.environ.get('GUNICORN_THREADS', '8'))
# Every answer closes its connection, as sync workers do: before a kept-alive
# connection's next request gunicorn reads at most 64 KiB of a body the app
# refused unread (a 413), and otherwise drops the connection it said it kept.
keepalive = 0
{%- endif %}
{%- if cookiecutter.rate_limit and cookiecutter.rate_limit_storage == 'memory://' %}


def when_ready(server):
    # The limiter counts in each worker's memory: say so when there are several.
    if server.cfg.workers > 1:
        server.log.warning(
            'rate limits count per worker: %d workers let a client make up to %d '
            'requests in {{ cookiecutter.rate_limit_window|int }} s; to share the counts, generate the project with '
            '--set rate-limit.storage=redis://HOST:6379 (REDIS_URL then sets the '
            'address)',
            server.cfg.workers,
            server.cfg.workers * {{ cookiecutter.rate_limit_max|int }},
        )
{%- endif %}
