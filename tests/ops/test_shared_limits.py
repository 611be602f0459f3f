"""Rate limits hold across machines when they share Redis: five failed logins spread over two
app processes, and the sixth is refused on both. The control keeps each process's counts in
its own memory, where the same six attempts all get through."""
import socket
import uuid

import pytest

from mpp_digital.extensions import db

from ..databases import skip_unless
from .test_machines import Machine

pytestmark = pytest.mark.slow

ATTEMPT = {"email": "tidak-ada@uji.test", "password": "salah-salah-salah"}


def _redis_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _pair(app, tmp_path, storage):
    with app.app_context():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.engine.dispose()
    extra = {"MPP_RATELIMIT_ENABLED": "true", "MPP_RATELIMIT_STORAGE_URI": storage,
             "MPP_RATELIMIT_KEY_PREFIX": f"mpp-test-{uuid.uuid4().hex}"}
    return [Machine(url, tmp_path / n / "search-index", n, **extra) for n in ("a", "b")]


@pytest.mark.parametrize("storage, shared", [
    ("redis://127.0.0.1:6379/15", True),
    ("memory://", False),                   # the control: each process counts alone
])
def test_failed_logins_are_counted_across_machines(app, tmp_path, storage, shared):
    if storage.startswith("redis"):
        skip_unless(_redis_up(), "no Redis on 127.0.0.1:6379")
    a, b = machines = _pair(app, tmp_path, storage)
    try:
        first = [(a if n % 2 else b).status_of_post("/staf/masuk", ATTEMPT) for n in range(5)]
        assert 429 not in first, first
        sixth = [a.status_of_post("/staf/masuk", ATTEMPT),
                 b.status_of_post("/staf/masuk", ATTEMPT)]
        if shared:
            assert sixth == [429, 429]
        else:
            assert 429 not in sixth           # each process has seen only its own 2 or 3
    finally:
        for machine in machines:
            machine.stop()
