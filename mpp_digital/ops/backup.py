"""Backup and restore of the embedded SQLite database with SQLite's online backup API: a
consistent copy while the site runs. PostgreSQL has pg_dump and pg_restore (README).

Backups and the database hold bookings (names, phone numbers): both are written readable by
their owner only (0600). A restore refuses a file that is damaged or not this app's database
at its newest migration, and says which.
"""
import os
import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

PRIVATE = 0o600


class NotSqlite(RuntimeError):
    pass


class RestoreRefused(RuntimeError):
    """The file is not a backup this app can restore; the message says why."""


def sqlite_path(url):
    url = make_url(url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise NotSqlite("flask ops backup/restore handle the SQLite database; for PostgreSQL "
                        "use pg_dump and pg_restore (see the README).")
    return Path(url.database)


def make_private(path):
    """Create `path` empty and owner-only unless it exists; make an existing one owner-only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        path.chmod(PRIVATE)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            companion.chmod(PRIVATE)
    return path


def backup(url, target):
    source = sqlite_path(url)
    target = Path(target)
    try:    # created owner-only before a byte is written, never chmod-ed afterwards
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))
    except FileExistsError:
        raise FileExistsError(f"{target} exists; choose a new file name") from None
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
    return target


def newest_revision():
    """The head of the migrations shipped with this package."""
    return ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations")) \
        .get_current_head()


def check_restorable(source):
    """Raise RestoreRefused unless `source` is an intact database of this app's newest schema."""
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as saved:
            verdict = saved.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise RestoreRefused(f"{source} is damaged: PRAGMA quick_check says {verdict!r}.")
            try:
                found = [r[0] for r in saved.execute("SELECT version_num FROM alembic_version")]
            except sqlite3.DatabaseError:
                found = []
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{source} is not an SQLite database ({exc}).") from None
    newest = newest_revision()
    if found != [newest]:
        what = f"schema {', '.join(found)}" if found else "no schema version of this app"
        raise RestoreRefused(f"{source} has {what}; this app needs {newest}. Restore it with "
                             "the version of MPP Digital that wrote it, then `flask db upgrade`.")


def restore(url, source):
    source = Path(source)
    if not source.is_file():
        raise FileNotFoundError(source)
    check_restorable(source)
    live_path = make_private(sqlite_path(url))
    with sqlite3.connect(source) as saved, sqlite3.connect(live_path) as live:
        saved.backup(live)
