"""The error envelope, counted pagination and staff authentication shared by every API."""
import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tenants.models import TenantMembership

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.api")]


def test_validation_errors_use_the_envelope_with_field_details(client_a):
    response = client_a.post("/test-api/echo", {"name": "x" * 20, "quantity": 0}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "quantity"}
    assert error["message"].startswith("Invalid input: ")


def test_malformed_json_is_a_400_with_the_envelope(client_a):
    response = client_a.generic("POST", "/test-api/echo", '{"name": "a",', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_wrong_media_type_is_415(client_a):
    response = client_a.generic("POST", "/test-api/echo", "name=a", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_service_errors_keep_their_code_status_and_fields(client_a):
    response = client_a.post("/test-api/echo", {"name": "taken", "quantity": 1}, format="json")
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "name_taken", "message": "That name is taken.",
                                         "fields": {"name": ["Already used."]}}}


def test_method_not_allowed_uses_the_envelope(client_a):
    response = client_a.delete("/test-api/echo")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_pagination_reports_the_total_count(client_a):
    body = client_a.get("/test-api/numbers?limit=10&offset=145").json()
    assert body["count"] == 150
    assert body["results"] == [146, 147, 148, 149, 150]
    assert body["next"] is None and body["previous"]
    assert len(client_a.get("/test-api/numbers?limit=1000").json()["results"]) == 100  # capped


def test_staff_api_needs_a_token(client_a):
    response = client_a.get("/test-api/staff")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "Bearer" in response["WWW-Authenticate"]
    bad = client_a.get("/test-api/staff", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "authentication_failed"


def test_admin_api_token_is_accepted(client_a, admin_token_headers):
    response = client_a.get("/test-api/staff", **admin_token_headers)
    assert response.status_code == 200
    assert response.json() == {"user": "admin-api-token"}


def test_staff_token_works_only_in_the_users_tenants(client_a, client_b, tenant_a):
    user = User.objects.create_user("alpha-staff", password="s3cret-pass")
    TenantMembership.objects.create(user=user, tenant=tenant_a)
    token = Token.objects.create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token.key}"}
    assert client_a.get("/test-api/staff", **headers).status_code == 200
    refused = client_b.get("/test-api/staff", **headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"
