
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale

from .. import clock
from ..extensions import db
from . import life_events
from . import operations as ops
from .caching import hall_dated_page, hall_page, national_page, page_version
from .forms import RegionSearchForm

bp = Blueprint("catalogue", __name__)


@bp.get("/")
@national_page
def home():
    version = page_version()
    return render_template("catalogue/home.html", provinces=ops.kept_provinces(version),
                           mpps=ops.kept_mpps(version), form=RegionSearchForm(formdata=None))


@bp.get("/wilayah")
@national_page
def find_region():
    form = RegionSearchForm(request.args)
    regions = ops.find_regions(db.session, form.q.data) if form.validate() else []
    if len(regions) == 1:
        return redirect(url_for(".region", slug=regions[0].slug))
    return render_template("catalogue/find_region.html", form=form, regions=regions)


@bp.get("/provinsi/<slug>")
@national_page
def province(slug):
    province = ops.get_province(db.session, slug)
    return render_template("catalogue/province.html", province=province,
                           mpps=ops.kept_mpps(page_version(), province.code))


@bp.get("/wilayah/<slug>")
@national_page
def region(slug):
    region = ops.get_region(db.session, slug)
    if region.mpp:
        return redirect(url_for(".mpp", slug=region.mpp.slug))
    return render_template("catalogue/region.html", region=region,
                           mpps=ops.kept_mpps(page_version(), region.province_code))


@bp.get("/mpp/<slug>")
@hall_page
def mpp(slug):
    version = page_version()
    mpp = ops.kept_hall(slug, version)
    agencies = ops.hall_listing(db.session, mpp, version)
    return render_template("catalogue/mpp.html", mpp=mpp,
                           today=ops.hall_day(db.session, mpp, clock.now(), str(get_locale()),
                                              version=version),
                           week=ops.group_by_hours(ops.intervals(mpp.hours)),
                           agencies=agencies,
                           services=sum(len(services) for _, _, services in agencies),
                           life_events=life_events.listed(db.session, version))


@bp.get("/mpp/<slug>/layanan/<service>")
@hall_dated_page
def offering(slug, service):
    version = page_version()
    offering = ops.kept_offering(slug, service, version)
    hours = ops.offering_hours(offering)
    return render_template("catalogue/offering.html", offering=offering, mpp=offering.mpp,
                           service=offering.service, week=ops.group_by_hours(hours),
                           days=ops.next_days(db.session, offering.mpp, clock.now(),
                                              str(get_locale()), hours=hours, version=version),
                           elsewhere=[hall for hall in ops.halls_offering(
                               db.session, offering.service_id, version)
                               if hall.id != offering.mpp_id])


@bp.get("/mpp/<slug>/layanan/<service>/persyaratan")
@national_page
def checklist(slug, service):
    offering = ops.kept_offering(slug, service, page_version())
    return render_template("catalogue/checklist.html", offering=offering, mpp=offering.mpp,
                           service=offering.service)


@bp.get("/layanan")
@national_page
def services():
    return render_template("catalogue/services.html", services=ops.list_services(db.session))


@bp.get("/layanan/<slug>")
@national_page
def service(slug):
    version = page_version()
    service = ops.kept_service(slug, version)
    return render_template("catalogue/service.html", service=service,
                           mpps=ops.halls_offering(db.session, service.id, version))


@bp.get("/peristiwa-hidup")
@national_page
def life_events_list():
    return render_template("catalogue/life_events.html",
                           events=life_events.all_events(db.session))


@bp.get("/peristiwa-hidup/<slug>")
@national_page
def life_event(slug):
    event = life_events.event_or_404(db.session, slug)
    return render_template("catalogue/life_event.html", event=event, mpp=None, offered={},
                           documents=life_events.what_to_bring(event.steps))


@bp.get("/mpp/<slug>/peristiwa-hidup/<event>")
@national_page                      # nothing of the hall's clock: the catalogue's version
def hall_life_event(slug, event):
    mpp = ops.get_hall(db.session, slug)
    event = life_events.event_or_404(db.session, event)
    offered = life_events.at_hall(db.session, event, mpp)
    return render_template("catalogue/life_event.html", event=event, mpp=mpp, offered=offered,
                           bookable=[o for o in offered.values() if o.bookable],
                           documents=life_events.what_to_bring(event.steps))


@bp.get("/mpp/<slug>/simpan.json")
def hall_pages(slug):
    """The pages "Simpan untuk dibuka tanpa internet" keeps on the device for this hall: the
    hall, each of its services and checklists, and its life events (static/js/sw.js)."""
    version = page_version()                  # before what is read for it
    mpp = ops.get_hall(db.session, slug)
    slugs = sorted(s.slug for _, _, services in ops.hall_listing(db.session, mpp, version)
                   for s in services)
    pages = [url_for(".mpp", slug=slug)]
    for service in slugs:
        pages += [url_for(".offering", slug=slug, service=service),
                  url_for(".checklist", slug=slug, service=service)]
    pages += [url_for(".hall_life_event", slug=slug, event=event.slug)
              for event in life_events.all_events(db.session)]
    response = jsonify({"pages": pages})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
