from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello_world():
    return "Hello, World!"


@app.route("/users/<int:id>")
def show_user(id):
    return {"route": "GET /users/{id:int}", "params": {"id": id}}
