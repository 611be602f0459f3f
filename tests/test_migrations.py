"""The schema outside tests comes from the migrations: they must build exactly the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from mpp_digital import create_app
from mpp_digital.extensions import db

from .conftest import BASE_CONFIG


def test_migrations_upgrade_an_empty_database_to_the_models(test_databases, tmp_path):
    url = test_databases.new_empty("migrations")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url},
                     instance_path=str(tmp_path))
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
                tables = set(inspect(conn).get_table_names())
            assert differences == []
            assert {"province", "region", "mpp", "agency", "service", "offering", "queue",
                    "counter", "opening_hours", "closure"} <= tables
            downgrade(revision="base")
            with db.engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        test_databases.drop(url)


@pytest.mark.slow
def test_init_migrates_and_loads_the_demo(test_databases, tmp_path):
    url = test_databases.new_empty("init")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url},
                     instance_path=str(tmp_path))
    try:
        runner = app.test_cli_runner()
        result = runner.invoke(args=["init", "--demo"])
        assert result.exit_code == 0, result.output
        assert "Regions: 514 kabupaten/kota added." in result.output
        again = runner.invoke(args=["init", "--demo"])
        assert "Regions: 0 kabupaten/kota added." in again.output
        assert "Demo: 0 offerings added, 405 already there." in again.output
        assert (tmp_path / "config.py").exists()
        with app.app_context():
            db.engine.dispose()
    finally:
        test_databases.drop(url)
