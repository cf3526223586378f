"""Remove the files the chosen options and the layout do not use."""

import shutil
from pathlib import Path

UNUSED = {
    Path('routes'): '{{ cookiecutter.__layout }}' != 'package',
    Path('test'): {{ not cookiecutter.tests }},
    Path('server.js'): {{ not cookiecutter.production_server }},
    Path('Dockerfile'): {{ not cookiecutter.docker }},
    Path('.dockerignore'): {{ not cookiecutter.docker }},
    Path('compose.yaml'): {{ not (cookiecutter.docker and cookiecutter.rate_limit and cookiecutter.rate_limit_storage.startswith('redis')) }},
    Path('.env.example'): {{ not cookiecutter.env_file }},
    Path('work.js'): {{ not cookiecutter._dualgen.routes|selectattr('cpu')|list }},
    Path('static'): {{ not cookiecutter.static }},
    Path('events.js'): {{ not cookiecutter.events }},
}

for path, unused in UNUSED.items():
    if unused and path.is_dir():
        shutil.rmtree(path)
    elif unused and path.exists():
        path.unlink()
