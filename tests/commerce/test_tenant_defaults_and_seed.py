"""What a new tenant starts with, and the demo seeding (idempotent)."""
from io import StringIO
from types import SimpleNamespace

from cityos.seeding import SeedContext
from commerce.catalog import seed
from commerce.catalog.models import Product
from commerce.inventory.models import StockLocation
from commerce.pricing.models import TaxRule
from commerce.promotions.models import Promotion
from commerce.regions.models import PublishableApiKey, Region, SalesChannel
from commerce.shipping.models import ShippingOption


def test_a_provisioned_tenant_has_a_region_a_channel_with_a_key_a_location_and_vat(store_a):
    region = Region.objects.get(is_default=True)
    assert (region.currency_code, region.countries, str(region.tax_rate)) == ("SAR", ["SA"], "0.1500")
    channel = SalesChannel.objects.get(is_default=True)
    assert PublishableApiKey.objects.filter(sales_channel=channel, revoked_at__isnull=True).exists()
    assert StockLocation.objects.filter(is_default=True).count() == 1
    rule = TaxRule.objects.get(region=region, is_default=True)
    assert str(rule.rate) == "0.1500"


def test_demo_seeding_builds_a_catalog_once(store_a):
    market = SimpleNamespace(slug="market", name="Riyadh Central Market", default_currency="SAR",
                             primary_domain="alpha.localhost")
    ctx = SeedContext(stdout=StringIO())
    seed.seed_tenant(market, ctx)
    products = Product.objects.filter(status="published").count()
    assert products >= 45
    assert Promotion.objects.filter(code__in=["WELCOME10", "SAVE25", "FREESHIP"]).count() == 3
    assert ShippingOption.objects.filter(code__in=["standard", "express", "pickup"]).count() == 3
    login = [c for c in ctx.credentials if "shopper" in c[0]]
    assert login == [(login[0][0], "shopper@market.localhost", seed.SHOPPER_PASSWORD)]
    assert any("publishable key" in note for note in ctx.notes)

    seed.seed_tenant(market, SeedContext(stdout=StringIO()))
    assert Product.objects.filter(status="published").count() == products

    token = store_a.post("/store/auth/token", {"email": "shopper@market.localhost", "password": seed.SHOPPER_PASSWORD})
    assert token.status_code == 201
    dates = store_a.get("/store/products/khalas-dates").json()
    assert [v["options"]["Weight"] for v in dates["variants"]] == ["250 g", "500 g", "1 kg"]
