"""Test databases: build a template once per run, give each test its own copy.

SQLite by default; PostgreSQL when MPP_TEST_DATABASE_URL is set (CREATE DATABASE … TEMPLATE).
"""
import collections
import itertools
import os
import queue
import shutil
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

STRICT = os.environ.get("MPP_TEST_STRICT") == "1"
POSTGRES_URL = os.environ.get("MPP_TEST_DATABASE_URL")


def skip_unless(condition, reason):
    """Skip with a reason on a user's machine; under MPP_TEST_STRICT (CI) nothing may skip."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"MPP_TEST_STRICT: would have skipped: {reason}")
    pytest.skip(reason)


class SqliteDatabases:
    kind = "sqlite"

    def __init__(self, folder):
        self.folder = folder
        self._numbers = itertools.count()

    def new_empty(self, name):
        path = self.folder / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def copy(self, template_url, name):
        path = self.folder / f"{name}-{next(self._numbers)}.sqlite3"
        shutil.copyfile(make_url(template_url).database, path)
        return f"sqlite:///{path}"

    def drop(self, url):
        Path(make_url(url).database).unlink(missing_ok=True)


class PostgresDatabases:
    """CREATE DATABASE … TEMPLATE for each test, made ahead and dropped behind.

    A copy takes PostgreSQL about as long as a test takes Python; a background thread keeps the
    next copies of each template ready and drops the used ones, so that the two overlap instead
    of adding up. Only the database names are shared with the thread (through queues).
    """
    kind = "postgresql"
    AHEAD = 2

    def __init__(self, base_url):
        self.base = make_url(base_url)
        self._numbers = itertools.count()
        self._prefix = f"mpp_t{os.getpid()}"
        self._ready = {}                   # template name → queue of prepared copies
        self._work = queue.Queue()
        self._worker = threading.Thread(target=self._background, daemon=True)
        self._worker.start()

    def _admin(self):
        dsn = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(dsn, autocommit=True)

    def _url(self, database):
        return self.base.set(database=database).render_as_string(hide_password=False)

    def _background(self):
        with self._admin() as conn:
            while True:
                job, name, done = self._work.get()
                try:
                    if job == "create":
                        conn.execute(f'CREATE DATABASE "{name[1]}" TEMPLATE "{name[0]}"')
                    else:
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    done.put(None)
                except Exception as exc:       # handed to the test that waits for it
                    done.put(exc)

    def _prepare(self, template):
        database = f"{self._prefix}_{template.removeprefix(self._prefix + '_')}_" \
                   f"{next(self._numbers)}"
        done = queue.Queue()
        self._work.put(("create", (template, database), done))
        self._ready.setdefault(template, collections.deque()).append((database, done))

    def new_empty(self, name):
        database = f"{self._prefix}_{name}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        return self._url(database)

    def copy(self, template_url, name):
        template = make_url(template_url).database
        ready = self._ready.setdefault(template, collections.deque())
        while len(ready) < self.AHEAD + 1:
            self._prepare(template)
        database, done = ready.popleft()
        self._prepare(template)
        failure = done.get(timeout=120)
        if failure is not None:
            raise failure
        return self._url(database)

    def drop(self, url):
        database = make_url(url).database
        if database.startswith(f"{self._prefix}_template_"):
            self._drain()                      # no copy of it may still be on its way
            for database_, done in self._ready.pop(database, ()):
                done.get(timeout=120)
                self._drop_now(database_)
            self._drop_now(database)
        else:
            self._work.put(("drop", database, queue.Queue()))

    def _drain(self):
        done = queue.Queue()
        self._work.put(("drop", f"{self._prefix}_nothing", done))
        done.get(timeout=300)

    def _drop_now(self, database):
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def databases(tmp_folder):
    if POSTGRES_URL:
        return PostgresDatabases(POSTGRES_URL)
    return SqliteDatabases(tmp_folder)


def build_template(create_app, base_config, url, demo):
    """Schema (create_all: tests/test_migrations.py proves the migrations make the same) + data."""
    from mpp_digital import clock
    from mpp_digital.catalogue.demo import load_demo
    from mpp_digital.catalogue.operations import load_regions
    from mpp_digital.extensions import db

    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        if demo:
            load_demo(clock.now().date())
        else:
            load_regions(db.session)
        db.session.commit()
        db.engine.dispose()
