"""The ceiling: a bare Flask route served by the same gunicorn, for bench/booking.py."""
from flask import Flask, request

app = Flask(__name__)


@app.post("/api/v1/appointments")
def book():
    request.get_json(silent=True)
    return {"code": "ABCDEFGHJK", "status": "active"}, 201
