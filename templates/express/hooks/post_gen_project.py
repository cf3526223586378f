"""Remove the files the chosen options and the layout do not use."""

import shutil
from pathlib import Path

UNUSED = {
    Path('routes'): '{{ cookiecutter.__layout }}' != 'package',
    Path('test'): {{ not cookiecutter.tests }},
    Path('server.js'): {{ not cookiecutter.production_server }},
    Path('Dockerfile'): {{ not cookiecutter.docker }},
    Path('.dockerignore'): {{ not cookiecutter.docker }},
    Path('compose.yaml'): {{ not (cookiecutter.docker and (cookiecutter.rate_limit and cookiecutter.rate_limit_storage.startswith('redis') or cookiecutter.database and cookiecutter.database_url.startswith('postgresql:'))) }},
    Path('.env.example'): {{ not cookiecutter.env_file }},
    Path('work.js'): {{ not cookiecutter._dualgen.routes|selectattr('cpu')|list }},
    Path('static'): {{ not cookiecutter.static }},
    Path('events.js'): {{ not cookiecutter.events }},
    Path('knexfile.js'): {{ not cookiecutter.database }},
    Path('db.js'): {{ not cookiecutter.database }},
    Path('migrations'): {{ not cookiecutter.database }},
}


def split_bundle(bundle):
    """Write each resource's file from the bundle the template rendered (a line '@@@ NAME'
    before each file), then remove the bundle."""
    if not bundle.exists():
        return
    name, lines = None, []
    for line in bundle.read_text(encoding='utf-8').split('\n') + ['@@@ ']:
        if line.startswith('@@@ '):
            if name:
                text = '\n'.join(lines).strip('\n') + '\n'
                (bundle.parent / name).write_text(text, encoding='utf-8')
            name, lines = line[4:].strip(), []
        else:
            lines.append(line)
    bundle.unlink()


split_bundle(Path('routes') / 'resources.bundle')
split_bundle(Path('migrations') / 'migrations.bundle')

for path, unused in UNUSED.items():
    if unused and path.is_dir():
        shutil.rmtree(path)
    elif unused and path.exists():
        path.unlink()
