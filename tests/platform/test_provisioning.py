"""Provisioning and demo seeding create what a tenant needs, and running them again changes nothing."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists
from wagtail.models import Locale, Site

from cityos.errors import Conflict, InvalidInput
from tenants.demo import DEMO_TENANTS
from tenants.models import Domain, Tenant
from tenants.services import provision_tenant
from tests.support.snapshots import row_counts
from tests.support.tenants import drop_tenant, host_client


@pytest.fixture
def cleanup(live_db):
    created = []
    yield created
    for slug in created:
        drop_tenant(slug)


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_provision_tenant_command_creates_schema_domain_site_and_home(cleanup):
    cleanup.append("gamma")
    output = _run("provision_tenant", "gamma", "--domain", "gamma.localhost", "--name", "Gamma Bazaar",
                  "--plan", "professional", "--residency-zone", "EU", "--currency", "eur")
    assert "Provisioned tenant 'gamma'" in output
    tenant = Tenant.objects.get(slug="gamma")
    assert (tenant.plan, tenant.residency_zone, tenant.default_currency) == ("professional", "EU", "EUR")
    assert schema_exists(tenant.schema_name)
    assert Domain.objects.get(domain="gamma.localhost").tenant == tenant
    with schema_context(tenant.schema_name):
        site = Site.objects.get()
        assert site.hostname == "gamma.localhost"
        assert site.root_page.specific.title == "Gamma Bazaar"
        assert set(Locale.objects.values_list("language_code", flat=True)) == {"en", "ar", "fr"}
    connection.set_schema_to_public()
    assert host_client("gamma.localhost").get("/").status_code == 200


def test_provisioning_again_reports_the_tenant_exists_and_changes_nothing(cleanup):
    cleanup.append("delta")
    _run("provision_tenant", "delta", "--domain", "delta.localhost", "--name", "Delta")
    before = row_counts(["public", "t_delta"])
    output = _run("provision_tenant", "delta", "--domain", "delta.localhost", "--name", "Delta renamed")
    assert "already exists" in output
    assert row_counts(["public", "t_delta"]) == before
    assert Tenant.objects.get(slug="delta").name == "Delta"


def test_bad_slug_and_taken_domain_are_refused_with_field_details(live_db):
    with pytest.raises(InvalidInput) as bad:
        provision_tenant("Bad Slug!", domain="x.localhost", name="X")
    assert "slug" in bad.value.fields
    with pytest.raises(Conflict) as taken:
        provision_tenant("epsilon", domain="alpha.localhost", name="Epsilon")
    assert taken.value.code == "domain_taken"
    assert not Tenant.objects.filter(slug="epsilon").exists()
    with pytest.raises(CommandError, match="slug"):
        _run("provision_tenant", "-x-", "--domain", "y.localhost", "--name", "Y")


def test_seed_demo_twice_changes_nothing(live_db):
    try:
        first = _run("seed_demo")
        assert "Demo city ready." in first
        schemas = ["public"] + [Tenant.objects.get(slug=d.slug).schema_name for d in DEMO_TENANTS]
        before = row_counts(schemas)
        second = _run("seed_demo")
        assert row_counts(schemas) == before
        assert second.count("already exists") == len(DEMO_TENANTS)
        assert "admin / cityos-admin" in second
    finally:
        for demo in DEMO_TENANTS:
            drop_tenant(demo.slug)
