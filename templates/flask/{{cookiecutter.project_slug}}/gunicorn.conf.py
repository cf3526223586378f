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
