"""Production behaviour: health checks, secrets, headers, request logs, read-only mode, a
database that does not answer, backups and the invariant check."""
import json
import logging
import re

import pytest
from flask_migrate import stamp
from sqlalchemy import event, func, select, text

from mpp_digital import InsecureConfiguration, create_app
from mpp_digital.booking.models import Slot
from mpp_digital.extensions import db
from mpp_digital.queue.models import Ticket
from mpp_digital.search import get_index

from ..factories import nik
from ..conftest import BASE_CONFIG


def test_healthz_and_readyz(app, client):
    assert client.get("/healthz").json == {"status": "ok"}
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.json["checks"] == {"database": "ok", "migrations": "behind",  # create_all
                                     "search_index": "unusable"}               # never built
    with app.app_context():
        stamp()
    get_index(app).rebuild_soon().join(60)      # the probe asked for a rebuild: wait for it
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json == {"status": "ready", "checks": {
        "database": "ok", "migrations": "ok", "search_index": "ok"}}


def test_production_refuses_to_start_without_real_secrets(tmp_path):
    for missing in ({"SECRET_KEY": None}, {"NIK_HMAC_KEY": "short"}):
        with pytest.raises(InsecureConfiguration):
            create_app({**BASE_CONFIG, "ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                        "NIK_HMAC_KEY": "n" * 40, **missing,
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                       instance_path=str(tmp_path))


def test_production_sends_hsts_and_secure_cookies_behind_tls(tmp_path):
    app = create_app({**BASE_CONFIG, "ENV_NAME": "production", "SECRET_KEY": "s" * 40,
                      "NIK_HMAC_KEY": "n" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "PROXY_HOPS": 1, "LOG_JSON": False}, instance_path=str(tmp_path))
    client = app.test_client()
    # Production prefers https for URLs built outside requests, so the test client would
    # default to https too: the plain request is made explicitly.
    plain = client.get("/mpp/kota-kediri", base_url="http://localhost")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")
    assert client.get("/healthz", base_url="http://localhost").status_code == 200  # LB probe
    secure = client.get("/bahasa/en", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    cookie = secure.headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie


def test_every_page_has_a_strict_policy_and_no_inline_script_or_style(client):
    page = client.get("/mpp/kota-kediri")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["X-Frame-Options"] == "DENY"
    html = page.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html


def test_one_json_line_per_request_without_personal_data(app, client, caplog):
    from mpp_digital.ops.logs import JsonFormatter
    fake_nik = nik(serial=1, region="9999")        # no kabupaten/kota has the code 99.99
    with caplog.at_level(logging.INFO, logger="mpp_digital.requests"):
        client.get(f"/mpp/kota-kediri/layanan/paspor-biasa?q={fake_nik}",
                   headers={"X-Request-ID": "abc-123"})
        client.post("/janji/cari", data={"code": "ABCD-EFGH-JK", "last4": "0001"})
    lines = [JsonFormatter().format(r) for r in caplog.records
             if r.name == "mpp_digital.requests"]
    first = json.loads(lines[0])
    assert first["route"] == "/mpp/<slug>/layanan/<service>" and first["status"] == 200
    assert first["request_id"] == "abc-123" and first["duration_ms"] >= 0
    assert {"time", "method", "route", "status", "duration_ms", "request_id"} <= set(first)
    everything = "\n".join(lines)
    for secret in (fake_nik, "ABCD", "0001", "paspor-biasa", "kota-kediri"):
        assert secret not in everything


def test_read_only_mode_serves_pages_and_refuses_writes(app, client):
    app.config["READ_ONLY"] = True
    page = client.get("/mpp/kota-kediri")
    assert page.status_code == 200 and "Sedang pemeliharaan" in page.get_data(as_text=True)
    with app.app_context():
        queue_id = db.session.scalar(text("SELECT id FROM queue LIMIT 1"))
    refused = client.post("/mpp/kota-kediri/kiosk/ambil", data={"t-queue": str(queue_id)})
    assert refused.status_code == 503 and "pemeliharaan" in refused.get_data(as_text=True)
    assert "Traceback" not in refused.get_data(as_text=True)
    api = client.post("/api/v1/appointments", json={})
    assert api.status_code == 503 and api.json["code"] == 503
    with app.app_context():
        assert db.session.scalar(select(func.count(Ticket.id))) == 0


def _break_database():
    """From now on every new connection is refused, as by a database that went away."""
    engine = db.engine

    def refuse(dialect, connection_record, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused (the test broke it)")

    db.session.remove()
    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    return engine, refuse


def test_an_unreachable_database_degrades_instead_of_failing(app, client):
    seen = ["/mpp/kota-kediri", "/mpp/kota-kediri/layanan/paspor-biasa",
            "/cari?q=bikin+ktp"]
    for path in seen:
        assert client.get(path).status_code == 200
    get_index(app).wait_for_rebuild()       # the search asked for an index: let it finish
    with app.app_context():
        engine, refuse = _break_database()
    try:
        for path in seen:
            copy = client.get(path)
            body = copy.get_data(as_text=True)
            assert copy.status_code == 200 and copy.headers["X-MPP-Degraded"] == "copy"
            assert "Sedang ada gangguan sistem" in body
        for method, path, status in (("GET", "/mpp/kota-mataram", 503),
                                     ("GET", "/mpp/kota-kediri/layanan/ktp-el/jadwal", 503),
                                     ("POST", "/mpp/kota-kediri/kiosk/ambil", 503),
                                     ("GET", "/janji/cari", 200),
                                     ("POST", "/janji/cari", 503),
                                     ("POST", "/api/v1/appointments", 503)):
            # a partner's key must be looked up, and the database is away
            response = client.open(path, method=method, data={},
                                   headers={"Authorization": "Bearer mpp_abc_def"})
            body = response.get_data(as_text=True)
            assert response.status_code in (status, 422), (method, path, response.status_code)
            assert "Traceback" not in body and "OperationalError" not in body
    finally:
        event.remove(engine, "do_connect", refuse)
    assert client.get("/mpp/kota-mataram").status_code == 200          # and back again


def _tables():
    names = [t.name for t in db.metadata.sorted_tables]
    return {n: sorted(map(tuple, db.session.execute(text(f'SELECT * FROM "{n}"')).all()),
                      key=repr) for n in names}


def test_backup_then_restore_gives_back_every_table(app, runner, tmp_path):
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    target = tmp_path / "cadangan.sqlite3"
    with app.app_context():
        stamp()                   # a restore takes only a database at the newest migration
    made = runner.invoke(args=["ops", "backup", str(target)])
    if not sqlite:
        assert made.exit_code != 0 and "pg_dump" in made.output
        return
    assert made.exit_code == 0, made.output
    with app.app_context():
        before = _tables()
        db.session.execute(text("DELETE FROM closure"))
        db.session.execute(text("UPDATE mpp SET name = 'diubah'"))
        db.session.commit()
        assert _tables() != before
        db.session.remove()
    restored = runner.invoke(args=["ops", "restore", str(target), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert _tables() == before
    again = runner.invoke(args=["ops", "backup", str(target)])
    assert again.exit_code != 0 and "exists" in again.output


def test_ops_check_finds_drift(app, runner):
    clean = runner.invoke(args=["ops", "check"])
    assert clean.exit_code == 0 and "All invariants hold" in clean.output
    from ..factories import NOW, queue
    from mpp_digital.queue import operations as queue_ops
    from ..admin.helpers import book
    with app.app_context():
        for _ in range(3):
            queue_ops.issue_ticket(db.session, queue(), NOW)
        appointment = book("kota-kediri", 1)
        db.session.commit()
        assert runner.invoke(args=["ops", "check"]).exit_code == 0
        db.session.execute(text("UPDATE ticket SET number = 7 WHERE number = 2"))
        db.session.get(Slot, appointment.slot_id).booked -= 1     # a seat lost track of
        db.session.commit()
    drift = runner.invoke(args=["ops", "check"])
    assert drift.exit_code != 0
    assert "DRIFT slot.booked" in drift.output and "DRIFT ticket.number" in drift.output
