"""National admins keep the life events and which service needs which; the catalogue's JSON
export carries them and importing it back changes nothing."""
import json
import re

import pytest
from sqlalchemy import select

from mpp_digital.accounts.models import AuditLog, Role
from mpp_digital.catalogue.models import LifeEvent, Service
from mpp_digital.extensions import db

from ..factories import csrf_token

AREA = "/staf/kelola/peristiwa-hidup"


def _event(app, slug):
    with app.app_context():
        event = db.session.scalar(select(LifeEvent).where(LifeEvent.slug == slug))
        return None if event is None else (event.id, event.name,
                                           [(s.service.slug, s.note) for s in event.steps])


@pytest.mark.parametrize("role", [Role.MPP_MANAGER, Role.CLERK])
def test_only_national_admins_keep_life_events(client, login_as, role):
    login_as(role)
    assert client.get(AREA).status_code == 403
    assert client.post(AREA, data={"e-slug": "x"}).status_code == 403


def test_an_admin_adds_changes_and_removes_a_life_event(app, client, login_as):
    login_as(Role.NATIONAL_ADMIN)
    page = client.get(AREA).get_data(as_text=True)
    assert "Kelahiran anak" in page and "Memulai usaha" in page
    token = csrf_token(page)
    added = client.post(AREA, data={
        "csrf_token": token, "e-slug": "pensiun", "e-name": "Pensiun",
        "e-steps": "bpjs-tk-klaim-jht | Bawa kartu peserta.\nnpwp-orang-pribadi"})
    assert added.status_code == 302
    event_id, name, steps = _event(app, "pensiun")
    assert steps == [("bpjs-tk-klaim-jht", "Bawa kartu peserta."), ("npwp-orang-pribadi", "")]
    assert "Bawa kartu peserta." in client.get("/peristiwa-hidup/pensiun").get_data(as_text=True)
    edit = f"{AREA}/{event_id}"
    for steps_text, says in (("tidak-ada", "not in the catalogue"),
                             ("akta-kematian\nakta-kematian", "twice"),
                             ("", "Tulis paling sedikit satu langkah.")):
        refused = client.post(edit, data={"csrf_token": token, "e-name": "Pensiun",
                                          "e-steps": steps_text})
        assert refused.status_code == 422 and says in refused.get_data(as_text=True), steps_text
    assert _event(app, "pensiun")[2] == steps                      # unchanged
    assert client.post(edit, data={"csrf_token": token, "e-name": "Masa pensiun",
                                   "e-steps": "npwp-orang-pribadi"}).status_code == 302
    assert _event(app, "pensiun")[1:] == ("Masa pensiun", [("npwp-orang-pribadi", "")])
    for slug in ("Pensiun Dini", "kelahiran"):                     # bad, taken
        assert client.post(AREA, data={"csrf_token": token, "e-slug": slug, "e-name": "X y",
                                       "e-steps": "akta-kematian"}).status_code == 422
    client.post(f"{edit}/hapus", data={"csrf_token": token})
    assert _event(app, "pensiun") is None
    assert client.get("/peristiwa-hidup/pensiun").status_code == 404
    with app.app_context():
        actions = db.session.scalars(select(AuditLog.action).where(
            AuditLog.action.like("life_event.%"))).all()
        assert actions == ["life_event.save", "life_event.save", "life_event.remove"]


def test_needs_refuse_unknown_services_themselves_and_circles(app, client, login_as):
    login_as(Role.NATIONAL_ADMIN)
    with app.app_context():
        akta = db.session.scalar(select(Service).where(Service.slug == "akta-kelahiran"))
        url = f"/staf/kelola/layanan/{akta.id}"
    page = client.get(url).get_data(as_text=True)
    form = dict(re.findall(r'name="(s-[a-z_]+)"[^>]*value="([^"]*)"', page))
    text = {name: value for name, value in re.findall(
        r'<textarea[^>]*name="(s-[a-z_]+)"[^>]*>\s*([^<]*)</textarea>', page)}
    base = {"csrf_token": csrf_token(page), **form, **text}
    with app.app_context():                     # the selects, as the page has them chosen
        service = db.session.get(Service, akta.id)
        base.update({"s-category": service.category,
                     "s-duration_unit": service.duration_unit.value,
                     "s-online_mode": service.online_mode.value})
    for needs, says in (("tidak-ada", "not in the catalogue"),
                        ("akta-kelahiran", "cannot need itself"),
                        ("kartu-identitas-anak", "circle")):
        refused = client.post(url, data={**base, "s-needs": needs})
        assert refused.status_code == 422 and says in refused.get_data(as_text=True), needs
    assert client.post(url, data={**base, "s-needs": "akta-kematian"}).status_code == 302
    with app.app_context():
        assert [n.slug for n in db.session.get(Service, akta.id).needs] == ["akta-kematian"]


def test_the_json_export_carries_them_and_importing_it_changes_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    exported = runner.invoke(args=["catalogue", "export", "--format", "json"])
    data = json.loads(exported.output)
    assert data["needs"]["kartu-identitas-anak"] == ["kartu-keluarga-baru"]
    assert [e["slug"] for e in data["life_events"]][:2] == ["kelahiran", "pernikahan"]
    path = tmp_path / "katalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert runner.invoke(args=["catalogue", "import", str(path)]).exit_code == 0
    again = json.loads(runner.invoke(args=["catalogue", "export", "--format", "json"]).output)
    assert again == data
    data["needs"]["kartu-keluarga-baru"] = ["kartu-identitas-anak"]     # a circle
    path.write_text(json.dumps(data), encoding="utf-8")
    refused = runner.invoke(args=["catalogue", "import", str(path)])
    assert refused.exit_code != 0 and "circle" in refused.output
    assert json.loads(runner.invoke(args=["catalogue", "export", "--format", "json"])
                      .output) == again


def test_a_hall_page_lists_the_life_events_as_the_admin_left_them(app, client, login_as):
    """A hall page's list of life events is read once per catalogue version: an event added,
    renamed or removed is shown so on the next visit (the visitor is not signed in, so the
    page comes from the page cache when nothing changed)."""
    visitor, hall = app.test_client(), "/mpp/kota-kediri"
    link = 'href="/mpp/kota-kediri/peristiwa-hidup/pensiun"'
    first = visitor.get(hall).get_data(as_text=True)
    assert 'href="/mpp/kota-kediri/peristiwa-hidup/kelahiran"' in first and link not in first
    login_as(Role.NATIONAL_ADMIN)
    token = csrf_token(client.get(AREA).get_data(as_text=True))
    client.post(AREA, data={"csrf_token": token, "e-slug": "pensiun", "e-name": "Pensiun",
                            "e-steps": "npwp-orang-pribadi"})
    assert f"{link}>Pensiun<" in visitor.get(hall).get_data(as_text=True)
    edit = f"{AREA}/{_event(app, 'pensiun')[0]}"
    client.post(edit, data={"csrf_token": token, "e-name": "Masa pensiun",
                            "e-steps": "npwp-orang-pribadi"})
    assert f"{link}>Masa pensiun<" in visitor.get(hall).get_data(as_text=True)
    client.post(f"{edit}/hapus", data={"csrf_token": token})
    assert link not in visitor.get(hall).get_data(as_text=True)
