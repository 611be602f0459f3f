import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate


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
