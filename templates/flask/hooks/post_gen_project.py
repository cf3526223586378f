"""Remove the files the chosen options do not use."""

import shutil
from pathlib import Path

LAYOUT = '{{ cookiecutter.__layout }}'
PACKAGE = Path('{{ cookiecutter.__package_name }}')
UNUSED = {
    'package files': LAYOUT != 'package',
    'tests': {{ not cookiecutter.tests }},
    'production-server': {{ not cookiecutter.production_server }},
    'docker': {{ not cookiecutter.docker }},
    'env-file': {{ not cookiecutter.env_file }},
    'static': {{ not cookiecutter.static }},
}
FILES = {
    'package files': [PACKAGE, Path('pyproject.toml')],
    'tests': [Path('tests'), Path('requirements-dev.txt')],
    'production-server': [Path('gunicorn.conf.py')],
    'docker': [Path('Dockerfile'), Path('.dockerignore')],
    'env-file': [Path('.env.example')],
    'static': [PACKAGE / 'static'],
}


def remove(path):
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


for option, unused in UNUSED.items():
    if unused:
        for path in FILES[option]:
            remove(path)
