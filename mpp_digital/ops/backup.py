"""Backup and restore of the embedded SQLite database with SQLite's online backup API: a
consistent copy while the site runs. PostgreSQL has pg_dump and pg_restore (docs/deploy.md)."""
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class NotSqlite(RuntimeError):
    pass


def sqlite_path(url):
    url = make_url(url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise NotSqlite("flask ops backup/restore handle the SQLite database; for PostgreSQL "
                        "use pg_dump and pg_restore (docs/deploy.md).")
    return Path(url.database)


def backup(url, target):
    source = sqlite_path(url)
    target = Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return target


def restore(url, source):
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(source)
    with sqlite3.connect(source) as saved:
        saved.execute("PRAGMA quick_check").fetchone()
        with sqlite3.connect(sqlite_path(url)) as live:
            saved.backup(live)
