import json
import logging
import os

from flask import Flask, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 102400
app.json.sort_keys = False
CORS(app, origins=["http://localhost:5173"])
logging.basicConfig(level=logging.INFO)


@app.after_request
def log_request(response):
    app.logger.info("%s %s %s", request.method, request.path, response.status_code)
    return response


@app.errorhandler(HTTPException)
def handle_exception(e):
    """Return JSON instead of HTML for HTTP errors (the Flask docs' "Error Handlers")."""
    response = e.get_response()
    response.data = json.dumps({"error": e.name})
    response.content_type = "application/json"
    return response


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/users/<int:id>")
def show_user(id):
    return {"route": "GET /users/{id:int}", "params": {"id": id}}


@app.post("/users")
def create_user():
    request.get_json()
    return {"created": True}, 201


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
