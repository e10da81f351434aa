"""Users are platform-wide; a tenant's CMS and admin admit only its members (and superusers)."""
import pytest
from django.contrib.auth.models import User
from django.test import Client

from tenants.models import TenantMembership
from tenants.staff import staff_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_of_a(tenant_a):
    user = User.objects.create_user("alpha-editor", "editor@alpha.test", "s3cret-pass", is_staff=True)
    user.groups.add(staff_group())
    TenantMembership.objects.create(user=user, tenant=tenant_a, role="editor")
    return user


def _client(host, user):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_member_reaches_their_tenants_cms_and_admin(member_of_a):
    client = _client("alpha.localhost", member_of_a)
    assert client.get("/cms/").status_code == 200
    assert client.get("/django-admin/").status_code == 200


def test_member_of_another_tenant_is_refused(member_of_a):
    client = _client("beta.localhost", member_of_a)
    response = client.get("/cms/")
    assert response.status_code == 403
    assert b"not a member" in response.content
    assert client.get("/django-admin/").status_code == 403


def test_tenant_member_cannot_use_the_platform_admin(member_of_a):
    response = _client("localhost", member_of_a).get("/django-admin/")
    assert response.status_code == 302  # sent to the platform admin's login


def test_superuser_reaches_every_tenant():
    admin = User.objects.create_superuser("root", "root@cityos.test", "s3cret-pass")
    for host in ("alpha.localhost", "beta.localhost"):
        assert _client(host, admin).get("/cms/").status_code == 200
    assert _client("localhost", admin).get("/django-admin/").status_code == 200
