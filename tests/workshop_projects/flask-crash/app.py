import os

from flask import Flask

app = Flask(__name__)
# Reads a settings file named by SETTINGS: unset, Flask raises RuntimeError at start.
app.config.from_envvar("SETTINGS")


@app.get("/")
def home():
    return "Hello, World!"


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")))
