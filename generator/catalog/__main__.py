"""`python -m generator.catalog`: write each template's cookiecutter.json and extension module."""

from . import FRAMEWORKS, write_cookiecutter_json, write_extension

for name in FRAMEWORKS:
    print(write_cookiecutter_json(name))
    print(write_extension(name))
