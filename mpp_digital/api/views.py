from flask import url_for
from flask_smorest import Blueprint

from ..catalogue import operations as ops
from ..extensions import db
from ..search import get_index
from ..search import operations as search_ops
from .schemas import (MppDetailSchema, MppQuerySchema, MppSchema, SearchQuerySchema,
                      SearchResponseSchema, ServiceDetailSchema, ServiceQuerySchema,
                      ServiceSchema)

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="The public, read-only catalogue of MPPs and their services.")


@bp.get("/mpps")
@bp.arguments(MppQuerySchema, location="query", as_kwargs=True)
@bp.response(200, MppSchema(many=True))
def list_mpps(province=None):
    """MPPs, optionally of one province."""
    return ops.list_mpps(province)


@bp.get("/mpps/<slug>")
@bp.response(200, MppDetailSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def get_mpp(slug):
    """One MPP with its opening hours and every service offered there."""
    return ops.get_mpp(slug)


@bp.get("/services")
@bp.arguments(ServiceQuerySchema, location="query", as_kwargs=True)
@bp.response(200, ServiceSchema(many=True))
def list_services(agency=None, category=None):
    """The national service descriptions, optionally of one agency or category."""
    return ops.list_services(agency=agency, category=category)


@bp.get("/services/<slug>")
@bp.response(200, ServiceDetailSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def get_service(slug):
    """One service's public standard and the MPPs that offer it."""
    service = ops.get_service(slug)
    service.offered_at = ops.mpps_offering(service)
    return service


@bp.get("/search")
@bp.arguments(SearchQuerySchema, location="query", as_kwargs=True)
@bp.response(200, SearchResponseSchema)
@bp.alt_response(404, response="DEFAULT_ERROR")
def search(q, limit, mpp=None):
    """Services matching what a citizen typed, best first; within one MPP with `mpp`."""
    if mpp:
        ops.get_mpp(mpp)                       # 404 for an unknown MPP
    outcome = search_ops.search(get_index(), db.session,
                                search_ops.SearchRequest(q, mpp=mpp, limit=limit))
    return {"query": q, "results": [_search_result(hit.service, mpp) for hit in outcome.hits]}


def _search_result(service, mpp):
    url = (url_for("catalogue.offering", slug=mpp, service=service.slug, _external=True) if mpp
           else url_for("catalogue.service", slug=service.slug, _external=True))
    return {"service": service.slug, "title": service.name, "agency": service.agency.short_name,
            "mpp": mpp, "url": url}
