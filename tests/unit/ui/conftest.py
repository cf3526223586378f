"""The `dualgen ui` app under Flask's test client, as a server on 127.0.0.1:PORT would answer."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from generator.ui import create_app

PORT = 48765
TOKEN = "test-token-0123456789"
BASE = f"http://127.0.0.1:{PORT}"


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def app(out):
    return create_app(port=PORT, token=TOKEN, out=out)


class LocalClient(FlaskClient):
    """A client whose requests name this server in Host, as a browser on this machine does
    (a request's own Host header still wins)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", BASE)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = LocalClient
    return app.test_client()
