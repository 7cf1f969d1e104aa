"""The framework's floor: one bare Flask route, served by the same gunicorn settings as the app
(`gunicorn bench.floor:app`). bench/load.py compares every page's throughput with it."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def floor():
    return "ok"
