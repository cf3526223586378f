import os

from flask import Flask

app = Flask(__name__)


@app.get("/")
def home():
    return "Hello, World!"


@app.get("/users/<int:user_id>")
def show_user(user_id):
    return {"route": "GET /users/{id:int}", "params": {"id": str(user_id)}}


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
