"""Tenants are resolved from the host, isolated from each other, and can be suspended."""
import pytest
from wagtail.models import Page, Site

from content.models import HomePage
from tenants.models import Status
from tenants.services import set_status
from tests.support.tenants import host_client, in_tenant

pytestmark = pytest.mark.django_db


def _add_page(tenant, title, slug):
    with in_tenant(tenant):
        home = HomePage.objects.get(depth=2)
        page = home.add_child(instance=HomePage(title=title, slug=slug))
        page.save_revision().publish()
        return page


def test_each_tenant_has_its_own_site_and_page_tree(tenant_a, tenant_b):
    with in_tenant(tenant_a):
        site_a = Site.objects.get()
        home_a = site_a.root_page.specific
    with in_tenant(tenant_b):
        site_b = Site.objects.get()
        home_b = site_b.root_page.specific
    assert (site_a.hostname, home_a.title) == ("alpha.localhost", "Tenant Alpha")
    assert (site_b.hostname, home_b.title) == ("beta.localhost", "Tenant Beta")


def test_page_created_in_tenant_a_is_invisible_from_tenant_b(tenant_a, tenant_b, client_a, client_b):
    _add_page(tenant_a, "Alpha only notice", "alpha-only")

    assert client_a.get("/alpha-only/").status_code == 200
    assert b"Alpha only notice" in client_a.get("/alpha-only/").content

    response = client_b.get("/alpha-only/")
    assert response.status_code == 404
    with in_tenant(tenant_b):
        assert not Page.objects.filter(slug="alpha-only").exists()


def test_unknown_host_answers_json_404():
    response = host_client("nobody.localhost").get("/store/products")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"
    assert "nobody.localhost" in response.json()["error"]["message"]


def test_disallowed_host_answers_json_404_not_500():
    response = host_client("evil.example.com").get("/health")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"


def test_unknown_api_path_is_a_json_404(client_a):
    response = client_a.get("/store/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/schema/", "/store/products", "/admin/api/orders", "/", "/cms/"])
def test_suspended_tenant_answers_403_everywhere(tenant_a, client_a, path):
    set_status(tenant_a, Status.SUSPENDED, "unpaid invoices")
    response = client_a.get(path)
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "tenant_suspended"
    assert "unpaid invoices" in body["message"]


def test_suspended_tenant_still_answers_health(tenant_a, client_a):
    set_status(tenant_a, Status.SUSPENDED)
    assert client_a.get("/health").status_code in (200, 503)  # served, not blocked


def test_suspending_one_tenant_leaves_the_other_serving(tenant_a, client_b):
    set_status(tenant_a, Status.SUSPENDED)
    assert client_b.get("/").status_code == 200
