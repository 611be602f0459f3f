"""Rating a finished visit: one anonymous response per ticket, and the published IKM."""
import itertools
import re
from datetime import timedelta

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import selectinload

from mpp_digital.accounts.models import Role
from mpp_digital.catalogue.models import Offering
from mpp_digital.extensions import db
from mpp_digital.queue import operations as queue_ops
from mpp_digital.queue.models import Ticket
from mpp_digital.survey.models import SurveyResponse
from mpp_digital.survey.operations import recount_days

from ..factories import NOW, first_counter, open_counter, queue, staff


_clerks = itertools.count(1)


def finished_ticket(app, letter="A", finish=True):
    """A ticket at Kota Kediri, called, served and (unless told otherwise) finished."""
    with app.app_context():
        clerk = staff(f"petugas-{next(_clerks)}@mpp.test", Role.CLERK, letter=letter)
        counter = open_counter(first_counter(letter=letter))
        ticket = queue_ops.issue_ticket(db.session, queue(letter=letter), NOW)
        queue_ops.call_next(db.session, counter, clerk, NOW + timedelta(minutes=5))
        queue_ops.start_service(db.session, ticket, counter, clerk, NOW + timedelta(minutes=6))
        if finish:
            queue_ops.finish(db.session, ticket, counter, clerk, NOW + timedelta(minutes=15))
        db.session.commit()
        return ticket.token


def _service_id(app, letter="A"):
    with app.app_context():
        return db.session.scalar(select(Offering.service_id).where(
            Offering.queue_id == queue(letter=letter).id).order_by(Offering.service_id))


def answers(service_id, values=(4, 3, 3, 4, 3, 4, 4, 3, 3), comment=""):
    data = {f"s-u{i}": str(v) for i, v in enumerate(values, 1)}
    data["s-service"] = str(service_id)
    data["s-comment"] = comment
    return data


def _responses(app):
    with app.app_context():
        return db.session.scalars(select(SurveyResponse).options(
            selectinload(SurveyResponse.service))).all()


def test_a_finished_ticket_invites_a_rating_with_the_regulations_words(app, client):
    token = finished_ticket(app)
    status = client.get(f"/tiket/{token}").get_data(as_text=True)
    assert f'href="/tiket/{token}/survei"' in status
    page = client.get(f"/tiket/{token}/survei").get_data(as_text=True)
    for words in ("Persyaratan", "Sangat mahal", "Gratis", "Sopan dan ramah",
                  "Dikelola dengan baik", "Sarana dan prasarana", "PermenPAN-RB 14/2017"):
        assert words in page
    assert len(re.findall(r'type="radio"', page)) == 36


def test_one_anonymous_response_per_ticket(app, client):
    token = finished_ticket(app)
    service_id = _service_id(app)
    response = client.post(f"/tiket/{token}/survei", data=answers(service_id, comment="Cepat"))
    assert response.status_code == 302
    assert "Terima kasih" in client.get(response.headers["Location"]).get_data(as_text=True)
    [saved] = _responses(app)
    assert saved.answers == (4, 3, 3, 4, 3, 4, 4, 3, 3) and saved.comment == "Cepat"
    assert saved.service_id == service_id and saved.service.agency_id is not None
    # Nothing in the response can lead back to the ticket or the person.
    columns = {c.key for c in inspect(SurveyResponse).columns}
    assert not columns & {"ticket_id", "token", "appointment_id", "created_at", "ip"}
    again = client.post(f"/tiket/{token}/survei", data=answers(service_id))
    assert "sudah diisi" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_responses(app)) == 1
    assert "sudah diisi" in client.get(f"/tiket/{token}/survei").get_data(as_text=True)


def test_a_visit_still_in_progress_cannot_be_rated(app, client):
    token = finished_ticket(app, finish=False)
    assert "setelah layanan Anda selesai" in client.get(f"/tiket/{token}/survei").get_data(
        as_text=True)
    response = client.post(f"/tiket/{token}/survei", data=answers(_service_id(app)))
    assert response.status_code == 302 and _responses(app) == []
    assert client.get("/tiket/tidak-ada/survei").status_code == 404


def test_bad_answers_are_explained_and_change_nothing(app, client):
    token = finished_ticket(app)
    service_id = _service_id(app)
    other_line = _service_id(app, "B")
    bad = [
        {},
        answers(service_id, values=(5, 3, 3, 3, 3, 3, 3, 3, 3)),
        answers(service_id, values=(0, 3, 3, 3, 3, 3, 3, 3, 3)),
        {k: v for k, v in answers(service_id).items() if k != "s-u7"},
        answers("abc"),
        answers(other_line),                   # a service this line does not serve
        answers(service_id, comment="x" * 501),
        answers(service_id, values=("'; DROP TABLE ticket;--",) * 9),
    ]
    for data in bad:
        response = client.post(f"/tiket/{token}/survei", data=data)
        assert response.status_code == 422, data
        assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)
    assert _responses(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Ticket.surveyed)) == 0


def test_the_published_ikm_follows_the_responses(app, client):
    service_id = _service_id(app)
    empty = client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1")
    assert "Belum ada responden" in empty.get_data(as_text=True)
    assert empty.headers["Cache-Control"].startswith("public") and empty.headers["ETag"]
    assert client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1",
                      headers={"If-None-Match": empty.headers["ETag"]}).status_code == 304
    tokens = [finished_ticket(app), finished_ticket(app)]      # the visits, not yet rated
    before = client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1")
    assert "Belum ada responden" in before.get_data(as_text=True)
    with app.app_context():          # tickets move the board, not the IKM: still a 304
        queue_ops.issue_ticket(db.session, queue(), NOW)
        db.session.commit()
    assert client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1",
                      headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    for token, values in zip(tokens, ((4,) * 9, (3,) * 9)):
        client.post(f"/tiket/{token}/survei", data=answers(service_id, values=values),
                    follow_redirects=True)           # (the thanks shown on the ticket page)
    # a rating makes the kept page and its ETag old: neither a stale page nor a stale 304
    response = client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1",
                          headers={"If-None-Match": before.headers["ETag"]})
    assert response.status_code == 200 and response.headers["ETag"] != before.headers["ETag"]
    page = response.get_data(as_text=True)
    # Two respondents, all 4s and all 3s: mean 3.5 per element, × 25 = 87.50, grade B.
    assert "IKM 87,50" in page and "mutu B" in page and "2 responden" in page
    assert "Disdukcapil" in page
    assert "Belum ada responden" in client.get(
        "/mpp/kota-kediri/ikm?tahun=2027&bulan=2").get_data(as_text=True)


def test_responses_summed_again_in_bulk_change_the_ikm_page(app, client):
    """A history load writes responses in bulk and sums their days again: the IKM page's ETag
    follows (recount_days counts as ratings)."""
    before = client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1")
    with app.app_context():
        line = queue()
        db.session.add(SurveyResponse(mpp_id=line.mpp_id, queue_id=line.id,
                                      service_id=_service_id(app), day=NOW.date(), comment="",
                                      **{f"u{i}": 4 for i in range(1, 10)}))
        recount_days(db.session, line.mpp_id, NOW.date(), NOW.date())
        db.session.commit()
    after = client.get("/mpp/kota-kediri/ikm?tahun=2027&bulan=1",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "1 responden" in after.get_data(as_text=True)


def test_a_bad_period_is_explained(client):
    for query in ("tahun=abc", "tahun=1800", "tahun=2027&bulan=13", "tahun=2027&bulan=x", "tahun="):
        response = client.get(f"/mpp/kota-kediri/ikm?{query}")
        assert response.status_code == 400, query
        assert "Ada yang perlu diperbaiki" in response.get_data(as_text=True)
    assert client.get("/mpp/tidak-ada/ikm").status_code == 404


def test_the_manager_reads_the_comments(app, client, login_as):
    token = finished_ticket(app)
    client.post(f"/tiket/{token}/survei",
                data=answers(_service_id(app), comment="Antrean <b>lama</b> di loket 2"))
    login_as(Role.MPP_MANAGER)
    page = client.get("/staf/laporan?tahun=2027&bulan=1").get_data(as_text=True)
    assert "Antrean &lt;b&gt;lama&lt;/b&gt; di loket 2" in page        # shown, escaped
    assert "Antrean" not in client.get("/mpp/kota-kediri/ikm?tahun=2027").get_data(
        as_text=True)                                                  # not published
