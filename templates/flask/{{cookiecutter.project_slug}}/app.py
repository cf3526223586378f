{%- if cookiecutter.__layout == 'classic' -%}
from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello():
    return 'Hello, World!'


if __name__ == '__main__':
    app.run(debug=True)
{% else -%}
import os

{% if cookiecutter.env_file -%}
from dotenv import load_dotenv

{% endif -%}
{% if cookiecutter.__layout == 'single' -%}
from flask import Flask

app = Flask(__name__)


@app.route('/')
def hello():
    return {{ cookiecutter._dualgen.routes[0].text|pystr }}
{%- else -%}
from {{ cookiecutter.__package_name }} import create_app

{% if cookiecutter.env_file -%}
# Settings from .env, before anything reads the environment; set variables win.
load_dotenv()
{% endif -%}
app = create_app()
{%- endif %}


if __name__ == '__main__':
    app.run(
        host=os.environ.get('HOST', {{ cookiecutter.host|pystr }}),
        port=int(os.environ.get('PORT', '{{ cookiecutter.port|int }}')),
{%- if cookiecutter.debug %}
        debug=True,
{%- endif %}
    )
{% endif -%}
