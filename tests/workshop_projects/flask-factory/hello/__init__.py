from flask import Flask
from flask_cors import CORS

from . import errors, users


def create_app(test_config=None):
    app = Flask(__name__)
    app.config.from_mapping(MAX_CONTENT_LENGTH=102400)
    if test_config is not None:
        app.config.from_mapping(test_config)
    app.json.sort_keys = False
    CORS(app, origins=["http://localhost:5173"])
    app.register_blueprint(users.bp)
    errors.init_app(app)
    return app
