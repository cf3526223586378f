"""Remove the files the chosen options and the layout do not use."""

import shutil
from pathlib import Path

PACKAGE = '{{ cookiecutter.__layout }}' == 'package'
UNUSED = {
    Path('{{ cookiecutter.__package_name }}'): not PACKAGE,
    Path('static'): PACKAGE or {{ not cookiecutter.static }},
    Path('{{ cookiecutter.__package_name }}', 'static'): {{ not cookiecutter.static }},
    Path('tests'): {{ not cookiecutter.tests }},
    Path('requirements-dev.txt'): {{ not cookiecutter.tests }},
    Path('gunicorn.conf.py'): {{ not cookiecutter.production_server }},
    Path('Dockerfile'): {{ not cookiecutter.docker }},
    Path('.dockerignore'): {{ not cookiecutter.docker }},
    Path('compose.yaml'): {{ not (cookiecutter.docker and cookiecutter.rate_limit and cookiecutter.rate_limit_storage.startswith('redis')) }},
    Path('.env.example'): {{ not cookiecutter.env_file }},
    Path('{{ cookiecutter.__package_name }}', 'work.py'): {{ not cookiecutter._dualgen.routes|selectattr('cpu')|list }},
}

for path, unused in UNUSED.items():
    if unused and path.is_dir():
        shutil.rmtree(path)
    elif unused and path.exists():
        path.unlink()
