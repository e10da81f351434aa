"""The demo content: every domain collection gets records, and seeding twice changes nothing."""
import copy
import io

import pytest
from wagtail.models import Page, Site

from cityos.seeding import SeedContext
from content import seed
from content.models import COLLECTIONS, Announcement, Banner, BrandingSettings, NavigationMenu, NotificationTemplate
from tests.support.snapshots import row_counts
from workflows.models import EventOutbox

pytestmark = pytest.mark.django_db


def _seed_as(tenant, slug):
    demo = copy.copy(tenant)
    demo.slug = slug
    seed.seed_tenant(demo, SeedContext(stdout=io.StringIO()))


def test_demo_seed_fills_every_collection_and_is_idempotent(alpha, client_a):
    for slug in ("market", "clinic", "transit"):
        _seed_as(alpha, slug)

    for collection, model in COLLECTIONS.items():
        assert model.objects.filter(live=True).exists(), collection
    assert NavigationMenu.objects.filter(handle="main").count() == 3  # en, ar, fr
    assert Banner.objects.active().exists() and Announcement.objects.active().exists()
    assert NotificationTemplate.objects.filter(key="order-confirmation").count() == 9  # 3 channels × 3 languages
    branding = BrandingSettings.for_site(Site.objects.get())
    assert branding.logo is not None and branding.primary_color == "#15803D"  # the first theme applied stays
    assert Page.objects.filter(slug="about").count() == 3

    before_rows = row_counts([alpha.schema_name])
    before_events = EventOutbox.objects.count()
    for slug in ("market", "clinic", "transit"):
        _seed_as(alpha, slug)
    assert row_counts([alpha.schema_name]) == before_rows
    assert EventOutbox.objects.count() == before_events

    home = client_a.get("/")
    assert home.status_code == 200 and b"--brand-primary: #15803D;" in home.content
    assert client_a.get("/ar/about/").status_code == 200
    assert client_a.get("/store/content/navigation/footer?locale=fr").json()["locale"] == "fr"


def test_each_demo_tenant_covers_its_own_collections():
    covered = {collection for slug in ("market", "clinic", "transit")
               for _poi, _name, _kind, _domain, _address, records in seed._places(slug)
               for collection, _slug, _fields in records}
    assert covered == set(COLLECTIONS)


def test_the_demo_sells_what_the_cms_pushed_and_is_billed(alpha, tenant_a):
    """After the content seed (records pushed into commerce) and the demo purchases, the POIs have
    revenue, the bookings and subscriptions exist, and last month is invoiced — all idempotent."""
    from django.db import connection

    from commerce.bookings import seed as purchases
    from commerce.bookings.models import Reservation
    from commerce.catalog import seed as catalog_seed
    from commerce.orders.models import Order
    from commerce.subscriptions.models import Subscription
    from content.models import POICommerceSummary
    from content.revenue import snapshot
    from tenants import billing
    from tenants import seed as platform_seed

    market = copy.copy(tenant_a)
    market.slug = "market"
    context = SeedContext(stdout=io.StringIO())
    catalog_seed.seed_tenant(market, context)
    seed.seed_tenant(market, context)
    for collection, model in COLLECTIONS.items():
        for record in model.objects.filter(live=True):
            assert record.commerce_id or not record.is_sold(), (collection, record.slug)
    purchases.seed_tenant(market, context)
    assert Order.objects.filter(metadata__demo_settled=True).count() == len(purchases.DEMO_ORDERS["market"])
    assert Subscription.objects.filter(plan__cms_id__isnull=False).exists()
    assert not Reservation.objects.exists()  # the market sells no appointments

    platform_seed.settle_workflows(tenant_a)
    connection.set_tenant(tenant_a)
    assert snapshot() == 3
    hall = POICommerceSummary.objects.get(poi__slug="central-market-hall")
    assert hall.gross > 0 and hall.order_count == 3 and hall.revenue_by_domain
    stalls = POICommerceSummary.objects.get(poi__slug="market-residences")
    assert stalls.refunded == 200

    invoice, _ = billing.generate_invoice(tenant_a, billing.Period.previous())
    assert invoice.gross_revenue > 0 and invoice.total > 0

    connection.set_tenant(tenant_a)
    before = row_counts([tenant_a.schema_name])
    purchases.seed_tenant(market, context)
    seed.seed_tenant(market, context)
    assert row_counts([tenant_a.schema_name]) == before
