from flask import Blueprint, request

bp = Blueprint("users", __name__)


@bp.get("/")
def hello():
    return "Hello, World!"


@bp.get("/users/<int:id>")
def show(id):
    return {"route": "GET /users/{id:int}", "params": {"id": id}}


@bp.post("/users")
def create():
    request.get_json()
    return {"created": True}, 201
