{%- set c = cookiecutter -%}
{%- set middleware = [] -%}
{%- for var, choice in c._catalog.items() if c[var] and choice.kind == 'middleware' -%}
{%- set _ = middleware.append(choice.key) -%}
{%- endfor -%}
{%- if c.__layout == 'classic' -%}
from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello():
    return 'Hello, World!'


if __name__ == '__main__':
    app.run(debug=True)
{% else -%}
{%- if c.__layout == 'single' -%}
{%- set layout, blank, indent = 'single', '\n', 0 -%}
{% filter trim %}{% include 'imports.py.j2' %}{% endfilter %}
{%- else -%}
import os

{% if c.env_file -%}
from dotenv import load_dotenv
{% endif -%}
{% if c.database -%}
from flask_migrate import upgrade
{% endif -%}
{% if c.logging or c.strict_parity -%}
from werkzeug.serving import WSGIRequestHandler
{% endif -%}
{% if c.env_file or c.logging or c.strict_parity or c.database %}
{% endif -%}
from {{ c.__package_name }} import create_app
{%- endif %}
{%- if c.env_file %}

# Settings from .env, before anything reads the environment; set variables win.
load_dotenv()
{%- endif %}
{%- if c.__layout == 'single' %}
{%- set constants %}{% include 'constants.py.j2' %}{% endset %}
{%- if constants|trim %}
{{ '\n' if (constants|trim).startswith(('def ', 'class ')) }}
{{ constants|trim }}
{%- endif %}

{% include 'app.py.j2' %}
{%- else %}

app = create_app()
{%- endif %}

{%- if c.logging or c.strict_parity %}
{%- import 'strict-parity.py.j2' as strict with context %}


class RequestHandler(WSGIRequestHandler):
{%- if c.logging and c.strict_parity %}
    """The development server without its version in the Server header and without its own
    access log: the app logs each request."""
{%- elif c.logging %}
    """The development server without its own access log: the app logs each request."""
{%- else %}
    """The development server without its version in the Server header."""
{%- endif %}
{%- if c.strict_parity %}

{{ strict.handler_methods()|trim('\n') }}
{%- endif %}
{%- if c.logging %}

    def log_request(self, code='-', size='-'):
        pass
{%- endif %}
{%- endif %}


if __name__ == '__main__':
{%- if c.database %}
    # The schema first: the pending migrations (as flask db upgrade), then serve.
    with app.app_context():
        upgrade(x_arg='logging=app')
    print('Database: pending migrations applied')
{%- endif %}
    app.run(
        host=os.environ.get('HOST', {{ c.host|pystr }}),
        port=int(os.environ.get('PORT', '{{ c.port|int }}')),
{%- if c.debug %}
        debug=True,
{%- endif %}
{%- if c.logging or c.strict_parity %}
        request_handler=RequestHandler,
{%- endif %}
    )
{% endif -%}
