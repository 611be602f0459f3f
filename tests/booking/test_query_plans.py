"""The NIK's active bookings are read on every booking: through the partial index on
(nik_hmac, service_id) WHERE status = 'active', never by reading every booking. The plan is
checked as the database runs it: on PostgreSQL the generic plan of the prepared statement (what
psycopg prepares after five runs and the server then keeps; with the status bound, not written
in, that plan read every booking), on SQLite the statement's own (SQLite plans a statement with
its bound values, so it used the index either way)."""
import re

from mpp_digital.booking.operations import ACTIVE_OF_NIK
from mpp_digital.extensions import db


def _plan(connection):
    compiled = ACTIVE_OF_NIK.compile(dialect=connection.dialect)
    values = {**compiled.params, "nik_hmac": "0" * 64}
    if connection.dialect.name == "sqlite":
        return " ".join(str(row) for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled),
            tuple(values[name] for name in compiled.positiontup)))
    names = re.findall(r"%\((\w+)\)s", str(compiled))
    sql = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", str(compiled))
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")    # a scan only if it must
    connection.exec_driver_sql("PREPARE nik_bookings AS " + sql)
    arguments = ", ".join(f"'{values[name]}'" for name in dict.fromkeys(names))
    plan = " ".join(row[0] for row in connection.exec_driver_sql(
        f"EXPLAIN EXECUTE nik_bookings({arguments})"))
    connection.exec_driver_sql("DEALLOCATE nik_bookings")
    return plan


def test_the_nik_s_active_bookings_are_read_through_the_partial_index(app):
    with app.app_context():
        with db.engine.begin() as connection:
            plan = _plan(connection)
    assert "uq_appointment_active_nik_service" in plan, plan
    assert not re.search(r"Seq Scan on appointment|SCAN appointment\b", plan), plan
