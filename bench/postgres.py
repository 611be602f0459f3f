"""A fresh, empty PostgreSQL database for a benchmark run."""
import psycopg
from sqlalchemy.engine import make_url


def recreate_database(url):
    """Drop and create the database named in `url` (via the server's `postgres` database)."""
    url = make_url(url)
    admin = url.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{url.database}"')
