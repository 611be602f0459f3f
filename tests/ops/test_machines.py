"""Two app processes ("machines") on one database, each with its own search index: a service
added through one is found by search on the other, with no restart and no shared files."""
import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from mpp_digital.accounts.models import Role
from mpp_digital.extensions import db

from ..factories import PASSWORD, staff

pytestmark = pytest.mark.slow

WORD = "kaligrafi"          # in no demo service


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    def __init__(self, url, index_dir, name, **extra_env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "MPP_DATABASE_URL": url, "MPP_SECRET_KEY": "s" * 40,
               "MPP_NIK_HMAC_KEY": "n" * 40, "MPP_SEARCH_INDEX_DIR": str(index_dir),
               "MPP_WTF_CSRF_ENABLED": "false", "MPP_RATELIMIT_ENABLED": "false",
               **extra_env}
        index_dir.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(index_dir.parent / f"{name}.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "mpp_digital", "run", "--port",
             str(self.port), "--no-reload"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._wait()

    def _wait(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.base} did not start")

    def get(self, path):
        return self.opener.open(self.base + path, timeout=20)

    def post(self, path, data):
        body = urllib.parse.urlencode(data, doseq=True).encode()
        return self.opener.open(self.base + path, data=body, timeout=20)

    def status_of_post(self, path, data):
        try:
            with self.post(path, data) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            refused.close()
            return refused.code

    def search(self, q):
        with self.get("/api/v1/search?" + urllib.parse.urlencode({"q": q, "limit": 5})) as r:
            return [hit["service"] for hit in json.load(r)["results"]]

    def index_ready(self):
        try:
            with self.get("/readyz") as r:
                checks = json.load(r)["checks"]
        except urllib.error.HTTPError as not_ready:          # 503: migrations "behind"
            checks = json.load(not_ready)["checks"]
        return checks["search_index"] == "ok"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


@pytest.fixture
def machines(app, tmp_path):
    with app.app_context():
        staff("admin@uji.test", Role.NATIONAL_ADMIN)
        db.session.commit()
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.engine.dispose()
    started = []
    try:
        for name in ("a", "b"):
            started.append(Machine(url, tmp_path / name / "search-index", name))
        yield started
    finally:
        for machine in started:
            machine.stop()


def _until(check, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def test_a_service_added_on_one_machine_is_found_on_the_other(machines):
    a, b = machines
    assert b.search(WORD) == []                     # also asks b to build its own index
    assert _until(b.index_ready), "machine b never built its index"
    a.post("/staf/masuk", {"email": "admin@uji.test", "password": PASSWORD}).close()
    agencies = a.get("/staf/kelola/layanan-baru").read().decode()
    agency_id = agencies.split('name="s-agency"', 1)[1].split('value="', 2)[2].split('"')[0]
    made = a.post("/staf/kelola/layanan-baru", {
        "s-agency": agency_id, "s-name": f"Pelatihan {WORD} untuk UMKM",
        "s-category": "perizinan", "s-requirements": "KTP-el", "s-procedure": "Daftar",
        "s-duration_value": "1", "s-duration_unit": "days", "s-fee": "0",
        "s-product": "Sertifikat", "s-legal_basis": "Perda", "s-online_mode": "visit_only"})
    assert made.status == 200 and "/staf/kelola/layanan" in made.url     # after the redirect
    started = time.monotonic()
    assert _until(lambda: b.search(WORD) == [f"pelatihan-{WORD}-untuk-umkm"]), \
        "machine b never found the new service"
    print(f"\nfound on the other machine after {time.monotonic() - started:.1f} s")
    assert b.index_ready()                  # found through b's own index, not the fallback
