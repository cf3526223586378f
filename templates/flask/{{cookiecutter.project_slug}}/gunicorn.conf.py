import multiprocessing
import os
{%- if cookiecutter.env_file %}

from dotenv import load_dotenv

load_dotenv()
{%- endif %}

host = os.environ.get('HOST', {{ cookiecutter.host|pystr }})
port = os.environ.get('PORT', '{{ cookiecutter.port|int }}')
# An IPv6 address goes in brackets: [::1]:{{ cookiecutter.port|int }}.
bind = f'[{host}]:{port}' if ':' in host else f'{host}:{port}'
workers = int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))
# On SIGTERM, stop accepting and give the requests in flight this many seconds.
graceful_timeout = int(os.environ.get('GRACEFUL_TIMEOUT', '30'))
{%- if cookiecutter.production_server_worker_class == 'gthread' %}
# Threads per worker: each serves one request at a time, so a worker serves as many at once.
worker_class = 'gthread'
threads = int(os.environ.get('GUNICORN_THREADS', '8'))
{%- endif %}
