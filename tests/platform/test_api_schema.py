"""The OpenAPI document generates without warnings and is served with its Swagger UI."""
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # --fail-on-warn turns every drf-spectacular warning or error into a failure.
    call_command("spectacular", "--urlconf", "cityos.urls_schema", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3.")


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_schema_and_docs_are_served(host):
    from tests.support.tenants import host_client

    client = host_client(host)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "CityOS API"
    assert client.get("/api/docs/").status_code == 200
