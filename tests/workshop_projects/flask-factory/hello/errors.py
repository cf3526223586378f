import json

from werkzeug.exceptions import HTTPException


def handle_exception(e):
    """JSON instead of HTML for HTTP errors, keeping the status and its headers."""
    response = e.get_response()
    response.data = json.dumps({"error": e.name})
    response.content_type = "application/json"
    return response


def init_app(app):
    app.register_error_handler(HTTPException, handle_exception)
