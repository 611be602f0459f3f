"""One JSON line per request: time, method, route, status, duration, request id.

The route is the URL rule ("/tiket/<token>"), never the path: paths carry ticket tokens,
and nothing here reads the query string, the form, the body or a cookie, so no NIK, phone
number or booking code can reach the log.
"""
import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

from flask import g, request

from ..errors import route

log = logging.getLogger("mpp_digital.requests")
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = getattr(record, "fields", None) or {"message": record.getMessage()}
        return json.dumps({"time": datetime.fromtimestamp(record.created, timezone.utc)
                           .isoformat(timespec="milliseconds"), "level": record.levelname,
                           **line}, separators=(",", ":"), ensure_ascii=False)


def init_app(app):
    if app.config["LOG_JSON"] and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start():
        g.started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if SAFE_ID.fullmatch(given) else uuid.uuid4().hex

    @app.after_request
    def finish(response):
        if "request_id" not in g:      # answered by an earlier before-request (HTTPS redirect)
            start()
        response.headers["X-Request-ID"] = g.request_id
        log.info("request", extra={"fields": {
            "request_id": g.request_id, "method": request.method, "route": route(),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.started) * 1000, 1)}})
        return response
