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
    Path('compose.yaml'): {{ not (cookiecutter.docker and (cookiecutter.rate_limit and cookiecutter.rate_limit_storage.startswith('redis') or cookiecutter.database and cookiecutter.database_url.startswith('postgresql:'))) }},
    Path('.env.example'): {{ not cookiecutter.env_file }},
    Path('{{ cookiecutter.__package_name }}', 'work.py'): {{ not cookiecutter._dualgen.routes|selectattr('cpu')|list }},
    Path('{{ cookiecutter.__package_name }}', 'health.py'): {{ not cookiecutter.health }},
    Path('{{ cookiecutter.__package_name }}', 'proxy.py'): {{ not cookiecutter.proxy }},
    Path('{{ cookiecutter.__package_name }}', 'request_id.py'): {{ not cookiecutter.request_id }},
    Path('{{ cookiecutter.__package_name }}', 'access_log.py'): {{ not cookiecutter.logging }},
    Path('{{ cookiecutter.__package_name }}', 'security_headers.py'): {{ not cookiecutter.security_headers }},
    Path('{{ cookiecutter.__package_name }}', 'cors.py'): {{ not cookiecutter.cors }},
    Path('{{ cookiecutter.__package_name }}', 'compression.py'): {{ not cookiecutter.compression }},
    Path('{{ cookiecutter.__package_name }}', 'rate_limit.py'): {{ not cookiecutter.rate_limit }},
    Path('{{ cookiecutter.__package_name }}', 'json_body.py'): {{ not cookiecutter.json_body }},
    Path('{{ cookiecutter.__package_name }}', 'events.py'): {{ not cookiecutter.events }},
    Path('{{ cookiecutter.__package_name }}', 'errors.py'): {{ not cookiecutter.error_handlers }},
    Path('{{ cookiecutter.__package_name }}', 'database.py'): {{ not cookiecutter.database }},
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


split_bundle(Path('{{ cookiecutter.__package_name }}') / 'resources.bundle')
split_bundle(Path('migrations', 'versions') / 'migrations.bundle')

for path, unused in UNUSED.items():
    if unused and path.is_dir():
        shutil.rmtree(path)
    elif unused and path.exists():
        path.unlink()
