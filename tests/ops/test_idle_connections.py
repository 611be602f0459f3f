"""A pooled connection that died while idle (the database restarted, a proxy dropped it) is
pinged and replaced before a request uses it; a busy connection is not pinged at all."""
import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from mpp_digital import extensions
from mpp_digital.extensions import db


def _kill_the_pooled_connection(app):
    """Leave the pool holding exactly one connection, idle and dead on the database's side."""
    with app.app_context():
        db.engine.dispose()
        raw = db.engine.raw_connection()
        dbapi_connection = raw.dbapi_connection
        raw.close()                                  # back in the pool, idle
        if db.engine.dialect.name == "sqlite":
            dbapi_connection.close()
            return
        pid = int(dbapi_connection.info.backend_pid)
        killer = create_engine(db.engine.url, poolclass=NullPool)
        with killer.connect() as other:
            other.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            for _ in range(100):                     # the backend exits once it is signalled
                if not other.exec_driver_sql(
                        f"SELECT 1 FROM pg_stat_activity WHERE pid = {pid}").first():
                    break
                time.sleep(0.05)
        killer.dispose()


@pytest.fixture
def pings(app, monkeypatch):
    """Counts the dialect's pings (what pool_pre_ping would send before every checkout too)."""
    seen = []
    with app.app_context():
        dialect = db.engine.dialect
    ping = dialect.do_ping

    def counted(dbapi_connection):
        seen.append(1)
        return ping(dbapi_connection)
    monkeypatch.setattr(dialect, "do_ping", counted)
    return seen


# Not a catalogue page: when the database is unreachable, those are served from the page cache.
SLOTS = "/mpp/kota-kediri/layanan/paspor-biasa/jadwal"


def test_a_connection_that_died_while_idle_is_replaced(app, client, monkeypatch, pings):
    client.get(SLOTS)
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", -1)   # it has been idle
    _kill_the_pooled_connection(app)
    assert client.get(SLOTS).status_code == 200
    assert pings


def test_control_without_the_ping_the_dead_connection_fails_the_request(app, client,
                                                                        monkeypatch):
    client.get(SLOTS)
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 10**9)   # never pinged
    _kill_the_pooled_connection(app)
    assert client.get(SLOTS).status_code >= 500      # 503 on PostgreSQL, "unreachable"
    assert client.get(SLOTS).status_code == 200      # SQLAlchemy renewed the pool after it


def test_a_connection_in_use_is_not_pinged(app, client, pings):
    for _ in range(3):
        assert client.get("/").status_code == 200
        assert client.get(SLOTS).status_code == 200
    assert pings == []
