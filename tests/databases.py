"""Test databases: build a template once per run, give each test its own copy.

SQLite by default; PostgreSQL when MPP_TEST_DATABASE_URL is set (CREATE DATABASE … TEMPLATE).
"""
import itertools
import os
import shutil
from datetime import date
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
    kind = "postgresql"

    def __init__(self, base_url):
        self.base = make_url(base_url)
        self._numbers = itertools.count()
        self._prefix = f"mpp_t{os.getpid()}"

    def _admin(self):
        dsn = self.base.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(dsn, autocommit=True)

    def _url(self, database):
        return self.base.set(database=database).render_as_string(hide_password=False)

    def new_empty(self, name):
        database = f"{self._prefix}_{name}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        return self._url(database)

    def copy(self, template_url, name):
        template = make_url(template_url).database
        database = f"{self._prefix}_{name}_{next(self._numbers)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        return self._url(database)

    def drop(self, url):
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def databases(tmp_folder):
    if POSTGRES_URL:
        return PostgresDatabases(POSTGRES_URL)
    return SqliteDatabases(tmp_folder)


def build_template(create_app, base_config, url, demo):
    """Schema (create_all: tests/test_migrations.py proves the migrations make the same) + data."""
    from mpp_digital.catalogue.demo import load_demo
    from mpp_digital.catalogue.operations import load_regions
    from mpp_digital.extensions import db

    app = create_app({**base_config, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        if demo:
            load_demo(date.today())
        else:
            load_regions()
        db.session.commit()
        db.engine.dispose()
