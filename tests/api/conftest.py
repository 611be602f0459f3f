import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate

from mpp_digital.accounts.api_clients import create_api_client
from mpp_digital.extensions import db

from ..factories import NOW


@pytest.fixture
def openapi(client):
    """The API's own generated OpenAPI document, checked and ready to validate answers."""
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    return OpenAPI.from_dict(document)


def checked(client, openapi, path, **kwargs):
    """GET `path` and validate the request and the response against the OpenAPI document."""
    response = client.get(path, **kwargs)
    openapi.validate_response(WerkzeugOpenAPIRequest(response.request),
                              WerkzeugOpenAPIResponse(response))
    return response


@pytest.fixture
def partner(app):
    """The key of an API client allowed at every hall."""
    with app.app_context():
        _, key = create_api_client(db.session, "Portal uji", [], True, "100 per minute", None,
                                   NOW)
        db.session.commit()
    return key
