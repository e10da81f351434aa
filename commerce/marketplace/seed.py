"""Demo vendors of the market tenant: who sells its dates, coffee and textiles, with their
commission terms and connected payment accounts (onboarded at once in the Stripe sandbox)."""
from django.db import transaction
from django.utils import timezone

from commerce.catalog.models import Product
from commerce.marketplace import services
from commerce.marketplace.models import CommissionRule, Vendor

ORDER = 25  # after the catalog (20)

VENDORS = {
    "market": [
        dict(handle="khalas-date-farms", name="Al-Khalas Date Farms", email="dates@vendors.market.localhost",
             phone="+966500000201", commission_rate="0.12", categories=["dates-sweets"], verified=True,
             address={"address_1": "Al Malaz, King Abdullah Rd", "city": "Riyadh", "country_code": "SA",
                      "latitude": 24.6638, "longitude": 46.7346}),
        dict(handle="qahwa-roasters", name="Qahwa Roasters", email="coffee@vendors.market.localhost",
             phone="+966500000202", commission_rate=None, categories=["coffee-tea", "spices"], verified=True,
             address={"address_1": "Olaya St", "city": "Riyadh", "country_code": "SA",
                      "latitude": 24.6950, "longitude": 46.6850}),
        dict(handle="souq-textiles", name="Souq Al-Zal Textiles", email="textiles@vendors.market.localhost",
             phone="+966500000203", commission_rate="0.15", categories=["textiles"], verified=False,
             uses_escrow=True, escrow_days=7,
             address={"address_1": "Souq Al-Zal, Al Dirah", "city": "Riyadh", "country_code": "SA",
                      "latitude": 24.6311, "longitude": 46.7137}),
    ],
}


def seed_tenant(tenant, ctx) -> None:
    rows = VENDORS.get(tenant.slug)
    if not rows:
        return
    from integrations import registry

    stripe = registry.get("stripe")
    created = 0
    with transaction.atomic():
        for row in rows:
            vendor = Vendor.objects.filter(handle=row["handle"]).first()
            if vendor is None:
                vendor = services.create_vendor(
                    name=row["name"], email=row["email"], handle=row["handle"], phone=row["phone"],
                    commission_rate=row["commission_rate"], address=row["address"],
                    uses_escrow=row.get("uses_escrow", False), escrow_days=row.get("escrow_days", 7))
                created += 1
            if not vendor.stripe_account_id:
                account = stripe.create_connected_account(email=vendor.email, country="SA",
                                                          business_name=vendor.name,
                                                          idempotency_key=f"seed:{tenant.slug}:{vendor.handle}")
                if registry.mode("stripe") == "sandbox":
                    stripe.complete_onboarding(account["id"])
                services.update_vendor(vendor.id, {"stripe_account_id": account["id"]})
            if row["verified"] and vendor.identity_verified_at is None:
                services.update_vendor(vendor.id, {"identity_verified_at": timezone.now()})
            products = set(Product.objects.filter(categories__handle__in=row["categories"]).values_list("pk", flat=True))
            products -= set(vendor.products.values_list("product_id", flat=True))
            if products:
                services.assign_products(vendor.id, sorted(products))
        CommissionRule.objects.get_or_create(name="Electronics accessories", defaults={
            "category_id": _category_id("electronics") or "", "rate": "0.0500", "priority": 10})
    ctx.say(f"  marketplace: {created} vendor(s) created, {Vendor.objects.count()} in all")
    ctx.notes.append(f"{tenant.name}: vendor 'Souq Al-Zal Textiles' sells under escrow and has not passed KYC — its "
                     "first payout waits for `manage.py integrations_sandbox kyc approve <session>` "
                     "(the session is on the payout's workflow run).")


def _category_id(handle: str) -> str | None:
    from commerce.catalog.models import ProductCategory

    return ProductCategory.objects.filter(handle=handle).values_list("pk", flat=True).first()
