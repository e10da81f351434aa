"""Search-engine files of a tenant's site, and scheduled publishing in each tenant's schema."""
from datetime import timedelta

from xml.etree import ElementTree

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Locale, Site

from cityos.schedules import collect_schedules
from cityos.tasks import TENANT_HEADER
from content.models import HomePage, SEOSettings, StandardPage
from content.tasks import publish_scheduled
from tests.content.conftest import event_types

pytestmark = pytest.mark.django_db


def _publish(page):
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def test_sitemap_lists_live_pages_in_every_language_but_not_hidden_ones(alpha, client_a):
    home = HomePage.objects.get(depth=2)
    about = _publish(home.add_child(instance=StandardPage(title="About", slug="about")))
    _publish(home.add_child(instance=StandardPage(title="Hidden", slug="hidden", noindex=True)))
    home.add_child(instance=StandardPage(title="Draft", slug="draft", live=False))
    ar = Locale.objects.get(language_code="ar")
    _publish(home.copy_for_translation(ar).specific)
    _publish(about.copy_for_translation(ar).specific)

    response = client_a.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)]
    assert locations == ["http://alpha.localhost/", "http://alpha.localhost/about/", "http://alpha.localhost/ar/",
                         "http://alpha.localhost/ar/about/"]


def test_robots_txt_points_at_the_sitemap_or_closes_the_site(alpha, client_a):
    body = client_a.get("/robots.txt").content.decode()
    assert "Sitemap: http://alpha.localhost/sitemap.xml" in body and "Disallow: /cms/" in body
    seo = SEOSettings.for_site(Site.objects.get())
    seo.noindex_site = True
    seo.save()
    assert client_a.get("/robots.txt").content.decode() == "User-agent: *\nDisallow: /\n"


def test_scheduled_publishing_runs_per_tenant_on_beat():
    entry = collect_schedules()["content-publish-scheduled"]
    assert entry["task"] == "cityos.fan_out" and entry["args"][0] == "content.publish_scheduled"


def test_scheduled_task_publishes_what_is_due_in_its_tenant(tenant_a, make_record, alpha):
    record = make_record("events")
    record.go_live_at = timezone.now() + timedelta(hours=1)
    revision = record.save_revision()
    revision.publish()  # scheduled: not live yet
    assert not type(record).objects.get(pk=record.pk).live
    assert event_types(record) == ["content.record.created"]
    # An hour passes: the scheduled revision is due.
    due = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = due.isoformat()
    revision.approved_go_live_at = due
    revision.save(update_fields=["content", "approved_go_live_at"])

    connection.set_schema_to_public()  # the task finds its tenant from the message, as on a worker
    publish_scheduled.apply(headers={TENANT_HEADER: tenant_a.schema_name})

    connection.set_schema(tenant_a.schema_name)
    assert type(record).objects.get(pk=record.pk).live
    assert event_types(record)[-1] == "content.record.published"
