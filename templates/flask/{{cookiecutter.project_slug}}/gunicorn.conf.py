import multiprocessing
import os
{%- if cookiecutter.env_file %}

from dotenv import load_dotenv

load_dotenv()
{%- endif %}

host = os.environ.get('HOST', {{ cookiecutter.host|pystr }})
port = os.environ.get('PORT', '{{ cookiecutter.port|int }}')
bind = f'{host}:{port}'
workers = int(os.environ.get('WEB_CONCURRENCY', multiprocessing.cpu_count() * 2 + 1))
