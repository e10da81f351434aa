"""Demo commerce data for the demo tenants: catalog, stock, shipping, coupons, a price list and
volume tiers, a VIP group, and a shopper with a password. Idempotent: existing rows are kept."""
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from commerce.catalog import services as catalog
from commerce.catalog.demo_catalog import CATALOGS
from commerce.catalog.models import Product, ProductCategory, ProductCollection

ORDER = 20
SHOPPER_PASSWORD = "cityos-shopper"


def seed_tenant(tenant, ctx):
    if tenant.slug not in CATALOGS:
        return
    from commerce.regions.services import ensure_tenant_defaults

    defaults = ensure_tenant_defaults(tenant)
    region = defaults["region"]
    categories_data, collections_data, products_data = CATALOGS[tenant.slug]
    with transaction.atomic():
        categories = _categories(categories_data)
        collections = {handle: ProductCollection.objects.get_or_create(handle=handle, defaults={"title": title})[0]
                       for handle, title in collections_data}
        created = sum(_product(tenant, row, categories, collections) for row in products_data)
        _shipping(tenant, region)
        _promotions(tenant)
        _pricing(tenant, region)
        shopper = _shopper(tenant)
    ctx.say(f"    {created} product(s) created, {Product.objects.count()} in the catalog")
    domain = tenant.primary_domain or f"{tenant.slug}.localhost"
    ctx.credentials.append((f"{tenant.name} shopper (POST http://{domain}:8000/store/auth/token)", shopper.email,
                            SHOPPER_PASSWORD))
    ctx.notes.append(f"{tenant.name} publishable key (x-publishable-api-key for http://{domain}:8000/store/…): "
                     f"{defaults['publishable_key'].token}")


def _categories(rows) -> dict:
    found = {}
    for handle, name, parent in rows:
        category = ProductCategory.objects.filter(handle=handle).first()
        if category is None:
            category = catalog.create_category(name=name, handle=handle,
                                               parent_id=found[parent].pk if parent else None)
        found[handle] = category
    return found


def _image(handle: str, n: int = 0) -> str:
    return f"https://picsum.photos/seed/cityos-{handle}-{n}/800/800"


def _product(tenant, row, categories, collections) -> int:
    title, category, kind, option, variants, extra = row
    handle = slugify(title)
    if Product.objects.filter(handle=handle).exists():
        return 0
    metadata = {}
    if "cms" in extra:
        domain, collection, poi = extra["cms"]
        metadata = {"cms_poi_id": poi, "cms_domain": domain, "cms_tenant_id": f"tenant-{tenant.slug}",
                    "cms_collection": collection, "cms_id": f"{collection}-{handle}", "cms_title": title,
                    "cms_synced_at": timezone.now().replace(microsecond=0).isoformat()}
    prefix = "".join(word[0] for word in handle.split("-") if word)[:5].upper()
    variant_rows = []
    for index, (values, price, stock) in enumerate(variants):
        row_data = {"sku": f"{tenant.slug[:3].upper()}-{prefix}-{index + 1:02d}-{handle[:12].upper()}",
                    "prices": [{"currency_code": tenant.default_currency, "amount": price}],
                    "manage_inventory": stock is not None}
        if option:
            row_data["options"] = {option[0]: values[0]}
        if stock is not None:
            row_data["inventory_quantity"] = stock
        variant_rows.append(row_data)
    catalog.create_product({
        "title": title, "handle": handle, "status": "published", "kind": kind,
        "description": f"{title} from {tenant.name}.", "subtitle": categories[category].name,
        "is_giftcard": extra.get("is_giftcard", False), "discountable": extra.get("discountable", True),
        "weight": extra.get("weight"), "category_ids": [categories[category].pk],
        "collection_id": collections[extra["collection"]].pk if extra.get("collection") else None,
        "images": [{"url": _image(handle, n), "alt": title} for n in range(2)], "metadata": metadata,
        "options": [{"title": option[0], "values": option[1]}] if option else [],
        "variants": variant_rows,
    })
    return 1


def _shipping(tenant, region):
    from commerce.shipping.models import ShippingOption
    from commerce.shipping.services import save_option

    options = {
        "market": [
            {"name": "Standard delivery (2–3 days)", "code": "standard", "provider": "fleetbase", "position": 0,
             "rates": [{"amount": "0.00", "min_subtotal": "200.00"}, {"amount": "25.00"}]},
            {"name": "Express delivery (same day)", "code": "express", "provider": "fleetbase", "position": 1,
             "rates": [{"amount": "45.00"}]},
            {"name": "Pick up at the market", "code": "pickup", "is_pickup": True, "position": 2,
             "rates": [{"amount": "0.00"}]},
        ],
        "clinic": [{"name": "Collect at the clinic", "code": "pickup", "is_pickup": True,
                    "rates": [{"amount": "0.00"}]},
                   {"name": "Home delivery", "code": "standard", "rates": [{"amount": "20.00"}]}],
        "transit": [{"name": "Card delivery by post", "code": "standard", "rates": [{"amount": "15.00"}]},
                    {"name": "Collect at a station", "code": "pickup", "is_pickup": True,
                     "rates": [{"amount": "0.00"}]}],
    }[tenant.slug]
    for data in options:
        if not ShippingOption.objects.filter(region=region, code=data["code"]).exists():
            save_option({"region_id": region.pk, **data})


def _promotions(tenant):
    from commerce.promotions.models import Promotion
    from commerce.promotions.services import save_promotion

    now = timezone.now()
    coupons = {
        "market": [
            {"code": "WELCOME10", "name": "10 % off your first order", "type": "percentage", "value": Decimal("10"),
             "minimum_subtotal": Decimal("50"), "per_customer_limit": 1},
            {"code": "SAVE25", "name": "25 SAR off orders of 200 SAR", "type": "fixed", "value": Decimal("25"),
             "currency_code": tenant.default_currency, "minimum_subtotal": Decimal("200"), "usage_limit": 500,
             "ends_at": now + timedelta(days=365)},
            {"code": "FREESHIP", "name": "Free delivery", "type": "free_shipping", "minimum_subtotal": Decimal("100")},
        ],
        "clinic": [{"code": "CHECKUP15", "name": "15 % off check-ups", "type": "percentage", "value": Decimal("15"),
                    "usage_limit": 100}],
        "transit": [{"code": "STUDENT20", "name": "20 % off for students", "type": "percentage",
                     "value": Decimal("20"), "per_customer_limit": 12}],
    }[tenant.slug]
    for data in coupons:
        if not Promotion.objects.filter(code=data["code"]).exists():
            save_promotion(data)


def _pricing(tenant, region):
    """A VIP group with a sale price list, and volume tiers on a staple (market only)."""
    if tenant.slug != "market":
        return
    from commerce.catalog.models import ProductVariant
    from commerce.customers.models import CustomerGroup
    from commerce.pricing.models import PriceList, VolumePricing
    from commerce.pricing.services import save_price_list, save_volume_pricing

    vip, _ = CustomerGroup.objects.get_or_create(name="VIP", defaults={"description": "Loyal market customers"})
    if not PriceList.objects.filter(name="VIP prices").exists():
        honey = ProductVariant.objects.filter(product__handle__in=["sidr-honey", "samar-honey", "saffron-threads"])
        save_price_list({
            "name": "VIP prices", "type": "sale", "customer_group_ids": [vip.pk],
            "prices": [{"variant_id": v.pk, "currency_code": region.currency_code,
                        "amount": (v.prices.get(currency_code=region.currency_code).amount * Decimal("0.85"))}
                       for v in honey]})
    if not VolumePricing.objects.filter(name="Dates by the box").exists():
        save_volume_pricing({
            "name": "Dates by the box", "product_id": Product.objects.get(handle="khalas-dates").pk,
            "tiers": [{"min_quantity": 5, "max_quantity": 9, "discount_type": "percentage", "value": Decimal("5")},
                      {"min_quantity": 10, "discount_type": "percentage", "value": Decimal("10")}]})


def _shopper(tenant):
    from commerce.customers.models import Customer
    from commerce.customers.services import add_address, register
    from commerce.loyalty.services import add_points

    email = f"shopper@{tenant.slug}.localhost"
    customer = Customer.objects.filter(email=email).first()
    if customer is None:
        customer = register(email=email, password=SHOPPER_PASSWORD, first_name="Noura", last_name="Al-Qahtani",
                            phone="+966550000001")
        add_address(customer, {"first_name": "Noura", "last_name": "Al-Qahtani", "address_1": "Olaya Street 120",
                               "city": "Riyadh", "postal_code": "12211", "country_code": "SA",
                               "is_default_shipping": True, "is_default_billing": True})
        add_points(customer.pk, 250, reason="welcome bonus", idempotency_key=f"seed:{tenant.slug}:welcome")
    return customer
