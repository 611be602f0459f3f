"""Reports for managers (their hall) and national admins (every hall), and the public page
that tells residents when the hall is quiet."""
import csv
import io
import unicodedata

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..admin import access
from ..catalogue import operations as catalogue
from ..catalogue.caching import hall_dated_page, page_version
from ..catalogue.models import Mpp
from ..extensions import db, remembered
from ..survey import operations as survey
from ..survey.forms import read_period
from ..survey.questions import ELEMENTS, GRADE_WORDS
from . import charts, rollup
from . import operations as ops
from .reminders import reminder_figures

bp = Blueprint("reports", __name__)


def _hall(slug):
    """The hall reported on: a manager's own (any other answers 404, as in the back office), a
    national admin's choice, or None for every hall while a national admin has chosen none."""
    if current_user.is_manager:
        slug = slug or current_user.mpp.slug
    return access.hall(slug) if slug else None


def _period(mpp):
    today = clock.local_day(mpp, clock.now()) if mpp else clock.now().date()
    return read_period(request.args, today, default_month=True)


def _rolled_up(mpp):
    """Bring the rollup up to yesterday at the hall (every hall for None) before reading it;
    never in read-only mode, where the days not rolled up are counted live instead."""
    if current_app.config["READ_ONLY"]:
        return
    if rollup.catch_up(db.session, clock.now(), None if mpp is None else [mpp.id]) is not None:
        db.session.commit()


@bp.get("/staf/laporan")
@access.staff_only
def report():
    mpp = _hall(request.args.get("mpp"))
    form, start, end, valid = _period(mpp)
    context = {"form": form, "mpp": mpp, "start": start, "end": end, "minutes": ops.minutes,
               "elements": ELEMENTS, "grade_words": GRADE_WORDS}
    if not valid:
        return render_template("reports/report.html", report=None, halls=None, **context), 400
    _rolled_up(mpp)
    if mpp is None:
        halls = db.session.scalars(select(Mpp).order_by(Mpp.name)).all()
        summaries = ops.national_report(db.session, start, end)
        indexes = survey.index_by_hall(db.session, start, end)
        return render_template("reports/report.html", report=None, halls=[
            (hall, summaries.get(hall.id), indexes.get(hall.id)) for hall in halls], **context)
    report = ops.hall_report(db.session, mpp, start, end)
    return render_template("reports/report.html", halls=None, report=report,
                           figures=_figures(report),
                           reminders=reminder_figures(db.session, mpp, start, end, clock.now()),
                           **context)


def _figures(report):
    """The report's charts; each is named by the heading of its section."""
    ikm = report.ikm
    return {
        "by_day": charts.columns([(day.day, s.visits) for day, s in report.day_rows()],
                                 "by-day", every=5),
        "by_queue": charts.bars([(f"{q.letter} · {q.name}", s.visits)
                                 for q, s in report.by_queue], "by-queue"),
        "by_hour": charts.columns([(f"{h:02d}", ops.minutes(s.wait_p50))
                                   for h, s in report.by_hour.items()], "by-hour"),
        "ikm": charts.bars([(e.name, float(score)) for e, score in
                            zip(ELEMENTS, ikm.element_scores())], "ikm") if ikm else "",
    }


CSV_KINDS = ("harian", "antrean", "jam", "ikm", "mpp")


def _safe(value):
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    # NFKC first: a spreadsheet reads fullwidth ＝ ＋ － ＠ as the ASCII signs.
    first = unicodedata.normalize("NFKC", text[:1])
    return "'" + text if first in ("=", "+", "-", "@", "\t", "\r") else text


def _summary_cells(s):
    return [s.visits, s.booked, s.walk_ins, s.no_shows,
            "" if s.no_show_rate is None else f"{s.no_show_rate:.3f}",
            ops.minutes(s.wait_p50), ops.minutes(s.wait_p90),
            ops.minutes(s.service_p50), ops.minutes(s.service_p90)]


SUMMARY_HEADER = ["kunjungan", "janji", "langsung", "tidak_hadir", "rasio_tidak_hadir",
                  "tunggu_p50_menit", "tunggu_p90_menit", "layanan_p50_menit",
                  "layanan_p90_menit"]


@bp.get("/staf/laporan/<kind>.csv")
@access.staff_only
def export(kind):
    if kind not in CSV_KINDS:
        abort(404)
    mpp = _hall(request.args.get("mpp"))
    form, start, end, valid = _period(mpp)
    if not valid:
        abort(400, description="; ".join(e for errors in form.errors.values() for e in errors))
    if (kind == "mpp") != (mpp is None):
        abort(404)
    _rolled_up(mpp)
    rows = []
    if kind == "mpp":
        summaries = ops.national_report(db.session, start, end)
        rows.append(["mpp"] + SUMMARY_HEADER)
        for hall in db.session.scalars(select(Mpp).order_by(Mpp.name)):
            if hall.id in summaries:
                rows.append([hall.slug] + _summary_cells(summaries[hall.id]))
    elif kind == "ikm":
        index = survey.index_of(db.session, mpp_id=mpp.id, start=start, end=end)
        rows.append(["unsur", "nilai_rata_rata", "konversi"])
        if index:
            for element, mean, score in zip(ELEMENTS, index.element_means,
                                            index.element_scores()):
                rows.append([str(element.name), f"{float(mean):.3f}", score])
            rows.append(["IKM", f"{float(index.raw):.3f}", index.score])
            rows.append(["responden", index.respondents, index.grade])
    else:
        report = ops.hall_report(db.session, mpp, start, end)
        if kind == "harian":
            rows.append(["tanggal"] + SUMMARY_HEADER)
            rows += [[day.isoformat()] + _summary_cells(s) for day, s in report.day_rows()]
        elif kind == "antrean":
            rows.append(["huruf", "antrean"] + SUMMARY_HEADER)
            rows += [[q.letter, q.name] + _summary_cells(s) for q, s in report.by_queue]
        else:
            rows.append(["jam"] + SUMMARY_HEADER)
            rows += [[f"{hour:02d}"] + _summary_cells(s) for hour, s in report.by_hour.items()]
    out = io.StringIO()
    csv.writer(out).writerows([[_safe(cell) for cell in row] for row in rows])
    response = make_response(out.getvalue())
    response.mimetype = "text/csv"
    name = f"laporan-{mpp.slug if mpp else 'nasional'}-{kind}-{start}-{end}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- public ----------------------------------------------------------------------------------

@bp.get("/mpp/<slug>/waktu-tunggu")
@hall_dated_page           # from complete days only: the same page all day, rendered once
def best_time(slug):
    mpp = catalogue.hall_header(db.session, slug, page_version())
    today = clock.local_day(mpp, clock.now())

    def medians():
        _rolled_up(mpp)                 # the rollup brought up to yesterday, then read
        return ops.wait_medians(db.session, mpp.id, today)
    # What the catalogue says of the lines is kept per catalogue version; the waits and the
    # IKM, from complete days only, for the day (a change to the catalogue does not move them).
    lines, since = ops.best_times(
        db.session, mpp, today,
        lines=remembered("served-lines", (page_version(), mpp.id),
                         lambda: ops.served_lines(db.session, mpp.id)),
        medians=remembered("wait-medians", (mpp.id, today), medians))
    index, index_since, index_until = remembered(
        "latest-index", (mpp.id, today), lambda: survey.latest_index(db.session, mpp.id, today))
    return render_template("reports/best_time.html", mpp=mpp, lines=lines, since=since,
                           today=today, index=index, index_since=index_since,
                           index_until=index_until, grade_words=GRADE_WORDS, minutes=ops.minutes)
