"""The ceiling: bare Flask routes served by the same gunicorn, for bench/booking.py and
bench/load.py. Every path answers a small fixed page (GET) or a fixed booking (POST)."""
from flask import Flask, request

app = Flask(__name__)

PAGE = "<!doctype html><title>MPP</title><p>" + "Layanan " * 200


@app.post("/api/v1/appointments")
def book():
    request.get_json(silent=True)
    return {"code": "ABCDEFGHJK", "status": "active"}, 201


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path):
    return PAGE
