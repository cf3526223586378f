"""How `dualgen check` starts a participant's project (generator/workshop/start.py): the
command each framework's docs give for the way the project is written. No process is started."""

from __future__ import annotations

import os

import pytest

from generator.workshop.start import environment, read_flask_app, start_for

RUNS_ITSELF = """\
import os
from flask import Flask
app = Flask(__name__)
if __name__ == "__main__":
    app.run(port=int(os.environ.get("PORT", "5000")))
"""
QUICKSTART = """\
from flask import Flask
app = Flask(__name__)

@app.route("/")
def hello_world():
    return "<p>Hello, World!</p>"
"""
FACTORY = """\
from flask import Flask

def create_app(test_config=None):
    return Flask(__name__)

if "__main__" == __name__:
    create_app().run()
"""
IMPORTED_FACTORY = "from hello import create_app\n"
IMPORTED_APP = "from hello import create_app\napp: object = create_app()\n"


@pytest.mark.parametrize(
    ("source", "dev", "production"),
    [
        pytest.param(RUNS_ITSELF, "python app.py", "gunicorn app:app", id="one-file-runs-itself"),
        pytest.param(QUICKSTART, "flask --app app run", "gunicorn app:app", id="quickstart"),
        pytest.param(FACTORY, "python app.py", "gunicorn 'app:create_app()'", id="factory"),
        pytest.param(
            IMPORTED_FACTORY, "flask --app app run", "gunicorn 'app:create_app()'", id="imported"
        ),
        pytest.param(IMPORTED_APP, "flask --app app run", "gunicorn app:app", id="factory-app"),
        pytest.param("def broken(:\n", "python app.py", "gunicorn app:app", id="syntax-error"),
    ],
)
def test_a_flask_project_starts_as_its_docs_start_it(source, dev, production, tmp_path):
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    assert start_for(tmp_path, "flask", False).shown == dev
    assert start_for(tmp_path, "flask", True).shown == production


def test_the_flask_commands_run_with_the_cached_interpreter(tmp_path):
    (tmp_path / "app.py").write_text(QUICKSTART, encoding="utf-8")
    assert start_for(tmp_path, "flask", False, "/v/bin/python").argv == (
        "/v/bin/python", "-m", "flask", "--app", "app", "run",
    )  # fmt: skip
    assert start_for(tmp_path, "flask", True, "/v/bin/python").argv == (
        "/v/bin/python", "-m", "gunicorn", "app:app",
    )  # fmt: skip
    (tmp_path / "app.py").write_text(RUNS_ITSELF, encoding="utf-8")
    assert start_for(tmp_path, "flask", False, "/v/bin/python").argv == ("/v/bin/python", "app.py")


def test_an_app_py_that_is_a_link_counts_as_the_documented_layout(tmp_path):
    (tmp_path / "real.py").write_text(QUICKSTART, encoding="utf-8")
    os.symlink(tmp_path / "real.py", tmp_path / "app.py")
    assert read_flask_app(tmp_path / "app.py") == (True, False)


def test_an_express_project_starts_with_its_own_scripts(tmp_path):
    dev, production = start_for(tmp_path, "express", False), start_for(tmp_path, "express", True)
    assert (dev.shown, dev.argv[1:]) == ("npm start", ("start",))
    assert (production.shown, production.argv[1:]) == ("npm run start:prod", ("run", "start:prod"))


def test_flask_run_gets_the_port_and_host_too():
    assert environment("flask", 8123) == {
        "PORT": "8123",
        "HOST": "127.0.0.1",
        "FLASK_RUN_PORT": "8123",
        "FLASK_RUN_HOST": "127.0.0.1",
    }
    assert environment("express", 8123, "0.0.0.0") == {"PORT": "8123", "HOST": "0.0.0.0"}


def test_without_an_interpreter_named_the_flask_command_runs_python(tmp_path):
    (tmp_path / "app.py").write_text(RUNS_ITSELF, encoding="utf-8")
    assert start_for(tmp_path, "flask", False).argv == ("python", "app.py")


def test_npm_runs_from_the_path_when_it_is_there(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert start_for(tmp_path, "express", False).argv == ("npm", "start")
    (tmp_path / "npm").write_text("#!/bin/sh\n", encoding="utf-8")
    (tmp_path / "npm").chmod(0o755)
    assert start_for(tmp_path, "express", True).argv == (
        str(tmp_path / "npm"), "run", "start:prod",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("source", "found"),
    [
        pytest.param("DEBUG = 1\nif DEBUG:\n    pass\n", (False, False), id="not-a-comparison"),
        pytest.param('if __name__ != "__main__":\n    pass\n', (False, False), id="not-equal"),
        pytest.param('if __name__ == "app":\n    pass\n', (False, False), id="not-main"),
        pytest.param('if "x" == "__main__":\n    pass\n', (False, False), id="not-name"),
        pytest.param('if __name__ == "__main__" == "x":\n    pass\n', (False, False), id="chained"),
        pytest.param(
            "import app.models\ndef create_app():\n    pass\n", (False, False), id="app-package"
        ),
        pytest.param(
            "import os.path\ndef create_app():\n    pass\n", (False, True), id="factory-only"
        ),
    ],
)
def test_only_a_name_main_block_runs_itself_and_a_dotted_import_binds_its_first_name(
    source, found, tmp_path
):
    (tmp_path / "app.py").write_text(source, encoding="utf-8")
    assert read_flask_app(tmp_path / "app.py") == found
