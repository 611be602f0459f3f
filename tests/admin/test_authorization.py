"""Every back-office route × every role × the user's own hall and a foreign one.

The table is built from the application's URL map, so a new admin route is covered (or fails
here) without anyone remembering to add it.
"""
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.accounts.models import AuditLog, Role
from mpp_digital.catalogue.models import Agency, Closure, LifeEvent, Service
from mpp_digital.extensions import db

from ..factories import NOW, login, staff
from .helpers import first_id, furnish

OWN, FOREIGN = "kota-kediri", "kota-mataram"
# Whole areas of the back office are for national admins only.
NATIONAL_AREAS = ("admin.standards.", "admin.national.", "admin.api_clients.",
                  "admin.life_events.")
MANAGERS_AND_ADMINS = {"admin.index", "admin.audit_log", "reports.report", "reports.export"}


def routes(app):
    """(endpoint, method, rule) of every staff route that is not the clerk's console."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in ("admin", "reports") or \
                rule.endpoint == "reports.best_time":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule.rule))
    return found


def fill(rule, values):
    if "/cuti-bersama/" in rule:
        values = {**values, "closure_id": values["closure_id_national"]}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def expected(role, endpoint, hall):
    """The status class a role gets: 'ok', 'login', 403 or 404."""
    if role is None:
        return "login"
    if role == Role.CLERK:
        return 403
    if endpoint.startswith(NATIONAL_AREAS):
        return "ok" if role == Role.NATIONAL_ADMIN else 403
    if role == Role.MPP_MANAGER and hall == FOREIGN:
        return 404
    return "ok"


ROLES = [None, Role.CLERK, Role.MPP_MANAGER, Role.NATIONAL_ADMIN]


@pytest.mark.parametrize("role", ROLES, ids=["anonymous", "clerk", "manager", "admin"])
def test_every_admin_route_for_every_role_and_hall(app, role, subtests):
    with app.app_context():
        ids = {OWN: furnish(OWN, 1), FOREIGN: furnish(FOREIGN, 2)}
        national_closure = Closure(mpp_id=None, starts_on=date(2030, 3, 1),
                                   ends_on=date(2030, 3, 1), reason="Cuti bersama uji")
        db.session.add(national_closure)
        db.session.flush()
        api_client, _ = create_api_client(db.session, "Portal uji", [], True, "5 per minute",
                                          None, NOW)
        common = {"agency_id": first_id(Agency), "service_id": first_id(Service),
                  "event_id": first_id(LifeEvent),
                  "kind": "harian", "closure_id_national": national_closure.id,
                  "choice": "buka", "client_id": api_client.id}
        email = None
        if role is not None:
            email = f"{role.value}@uji.test"
            staff(email, role, slug=OWN)
        db.session.commit()
    checked = 0
    for endpoint, method, rule in routes(app):
        for hall in (OWN, FOREIGN):
            if "<slug>" not in rule and hall == FOREIGN:
                continue
            url = fill(rule, {"slug": hall, **ids[hall], **common})
            if endpoint in ("reports.report", "reports.export"):
                url += f"?mpp={hall}"
            with subtests.test(method=method, url=url):      # each case reports on its own
                _check(app, email, role, endpoint, hall, method, url)
            checked += 1
    assert checked > 40


def _check(app, email, role, endpoint, hall, method, url):
    client = app.test_client()
    if email:
        login(client, email)
    with app.app_context():
        audit_rows = db.session.scalar(select(func.count(AuditLog.id)))
    response = client.open(url, method=method, data={})
    want = expected(role, endpoint, hall)
    if want == "login":
        assert response.status_code == 302
        assert "/staf/masuk" in response.headers["Location"]
    elif want == "ok":
        assert response.status_code not in (401, 403, 404, 500)
    else:
        assert response.status_code == want
    if want != "ok":
        with app.app_context():
            assert db.session.scalar(select(func.count(AuditLog.id))) == audit_rows, \
                "a refused request wrote an audit row"
