"""Flask extensions, created unbound and initialised by create_app()."""
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    # Named constraints, so that migrations can alter them on every database.
    metadata = MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    })


db = SQLAlchemy(model_class=Base)


def enum_column(cls, name):
    """A portable enum column type: VARCHAR + CHECK, storing the members' values."""
    return Enum(cls, name=name, native_enum=False, create_constraint=True, length=20,
                values_callable=lambda members: [m.value for m in members], validate_strings=True)


def upsert(session, model):
    """INSERT … ON CONFLICT (upsert or ignore) for `model`, in the session's database: the
    guarded counters and idempotent inserts are written this way on SQLite and PostgreSQL."""
    dialect = {"sqlite": sqlite, "postgresql": postgresql}[session.get_bind().dialect.name]
    return dialect.insert(model)


migrate = Migrate(directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.session_protection = "strong"
babel = Babel()
# Rendered public pages (catalogue/caching.py): in-process by default, Redis in production.
cache = Cache()
api = Api()
# Storage from RATELIMIT_STORAGE_URI: memory:// for one process, redis://… for several.
limiter = Limiter(key_func=get_remote_address)


# The page cache's types kept in this process already: copies of their pages would be twice.
_IN_PROCESS_CACHES = ("NullCache", "SimpleCache", "null", "simple")


def kept_page(key):
    """A rendered page (or feed) from the page cache, or None. Every key names all that its
    page depends on (a version, the language, the day), so the same key never names two
    pages: with a shared cache (Redis), this process's copy of a page it fetched or stored
    recently is served without asking the cache again, and is never stale."""
    copies = _page_copies()
    if copies is not None and key in copies:
        return copies[key]
    page = cache.get(key)
    if page is not None and copies is not None:
        _copy(key, page)
    return page


def keep_page(key, page, timeout=None):
    cache.set(key, page, timeout=timeout)
    if _page_copies() is not None:
        _copy(key, page)


def _page_copies():
    """This process's copies of pages, or None when it keeps none."""
    config = current_app.config
    if config["PAGE_COPIES_PER_PROCESS"] <= 0 or config["CACHE_TYPE"] in _IN_PROCESS_CACHES:
        return None
    return remembered_memo("page-copies")


def _copy(key, page):
    remember_all("page-copies", [(key, page)], current_app.config["PAGE_COPIES_PER_PROCESS"])


def remembered_memo(name):
    """The dict behind remembered(name, …), to look up many keys at once."""
    return current_app.extensions.setdefault("mpp_memos", {}).setdefault(name, {})


def remember_all(name, items, size=4096):
    """Put (key, value) pairs in the memo `name`; a memo that would hold more than `size`
    starts again (nothing in it is ever stale, only old)."""
    memo = remembered_memo(name)
    items = list(items)
    if len(memo) + len(items) > size:
        memo.clear()
    memo.update(items)


def remembered(name, key, compute, size=4096):
    """`compute()`, kept by this app in this process under `key` in the memo `name`. For
    answers whose key names everything they depend on (a version, a day, a minute): nothing
    is invalidated, a full memo starts again, and the memo goes with the app."""
    memo = remembered_memo(name)
    if key not in memo:
        remember_all(name, [(key, compute())], size)
    return memo[key]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite enforces foreign keys only when asked; WAL lets readers work beside a writer.

    The driver's own transaction handling is switched off: _sqlite_begin issues BEGIN itself
    (SQLAlchemy's documented pysqlite recipe), which also makes savepoints work.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        immediate = conn.get_execution_options().get("sqlite_immediate")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# A pooled connection idle for longer than this is pinged before it is used again.
PING_AFTER_IDLE_SECONDS = 10


def ping_idle_connections(engine):
    """Before a pooled connection that has been idle a while is handed out, ask the database
    whether it is still there; if not, the pool drops it and connects again (SQLAlchemy's
    documented checkout hook). Unlike `pool_pre_ping`, a busy site pays no round trip per
    request: a connection in constant use is known to work, and a database that restarts
    under load fails the statements in flight, after which SQLAlchemy renews the whole pool.
    """
    @event.listens_for(engine.pool, "checkin")
    def idle_from(dbapi_connection, record):
        record.info["mpp_idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def ping_if_idle(dbapi_connection, record, proxy):
        since = record.info.pop("mpp_idle_since", None)
        if since is not None and time.monotonic() - since > PING_AFTER_IDLE_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:   # any failure: this connection is not to be used
                raise DisconnectionError("the database did not answer a ping") from error


@contextmanager
def committed_connection():
    """A pooled connection of its own, outside the request's session, for reads of what is
    committed now: the version reads that decide a 304 or a cached page before anything else
    (the request's session is never touched, so such a request opens no transaction), and the
    API client of a request. On PostgreSQL the connection is in autocommit, each read one
    round trip (no BEGIN and ROLLBACK around it); on SQLite BEGIN and ROLLBACK are calls in
    this process. Build statements once, with bindparam(): constructing one again costs more
    than running it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        # The isolation level is the driver's attribute, set and reset without a round trip.
        # (Not on SQLite: resetting pysqlite from autocommit undoes _sqlite_pragmas' recipe.)
        engines = current_app.extensions.setdefault("mpp_autocommit", {})
        if engine not in engines:
            engines.clear()
            engines[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
        engine = engines[engine]
    with engine.connect() as connection:
        yield connection


def read_committed(statement, **params):
    """The first row of one read on a committed_connection()."""
    with committed_connection() as connection:
        return connection.execute(statement, params).first()


def kept_objects(name, key, load, size=1024):
    """What `load(session)` returns, read once per `key` in this process (remembered()) on a
    session of its own over a committed_connection(), closed at once. The objects come back
    detached: what `load` loaded eagerly is read by any request, in any thread, and reading
    anything it did not load raises DetachedInstanceError. For catalogue objects a public page
    only reads, under a key that carries the catalogue's version; never for objects a request
    changes or adds to its own session."""
    def read():
        with committed_connection() as connection, Session(bind=connection) as session:
            return load(session)
    return remembered(name, key, read, size)


def begin_write(session):
    """Start a unit of work that will write.

    On SQLite the write lock is taken at BEGIN (IMMEDIATE), so concurrent writers wait their
    turn (busy_timeout) instead of failing when a read transaction tries to become a write.
    On PostgreSQL this is an ordinary READ COMMITTED transaction.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.commit()          # ends the reads done so far; nothing is pending here
    session.connection(execution_options={"sqlite_immediate": True})
