"""Regions, sales channels and publishable keys; the defaults every new tenant starts with."""
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound
from commerce.regions.models import PublishableApiKey, Region, SalesChannel

KEY_CACHE_SECONDS = 60


def _key_cache_name(token: str) -> str:
    return f"commerce:pubkey:{token}"


def channel_for_publishable_key(token: str | None) -> str | None:
    """The sales channel id a publishable key addresses; None when the key is unknown, revoked,
    or its channel disabled. Answers are cached per process for a minute."""
    if not token or len(token) > 80:
        return None
    name = _key_cache_name(token)
    channel_id = cache.get(name)
    if channel_id is None:
        row = (PublishableApiKey.objects.filter(token=token, revoked_at__isnull=True,
                                                sales_channel__is_disabled=False)
               .values_list("sales_channel_id", flat=True).first())
        if row is None:
            return None
        channel_id = row
        cache.set(name, channel_id, KEY_CACHE_SECONDS)
    return channel_id


def create_region(*, name: str, currency_code: str, tax_rate=Decimal("0.15"), countries=(),
                  is_default: bool = False, metadata: dict | None = None) -> Region:
    currency_code = (currency_code or "").upper()
    if len(currency_code) != 3 or not currency_code.isalpha():
        raise InvalidInput("A region needs a three-letter currency code.", fields={"currency_code": ["Like SAR."]})
    with transaction.atomic():
        if is_default:
            Region.objects.filter(is_default=True).update(is_default=False)
        return Region.objects.create(name=name, currency_code=currency_code, tax_rate=Decimal(tax_rate),
                                     countries=[c.upper() for c in countries], is_default=is_default,
                                     metadata=metadata or {})


def update_region(region: Region, data: dict) -> Region:
    with transaction.atomic():
        for field in ("name", "metadata"):
            if field in data:
                setattr(region, field, data[field])
        if "tax_rate" in data:
            region.tax_rate = Decimal(data["tax_rate"])
        if "countries" in data:
            region.countries = [c.upper() for c in data["countries"]]
        if "currency_code" in data and data["currency_code"].upper() != region.currency_code:
            if region.carts.filter(completed_at__isnull=True).exists():
                raise Conflict("Open carts are priced in this region's currency.", code="region_has_open_carts",
                               fields={"currency_code": ["Cannot change while carts are open."]})
            region.currency_code = data["currency_code"].upper()
        if data.get("is_default"):
            Region.objects.exclude(pk=region.pk).update(is_default=False)
            region.is_default = True
        region.save()
    return region


def default_region() -> Region:
    region = Region.objects.filter(is_default=True).first() or Region.objects.order_by("created_at").first()
    if region is None:
        raise NotFound("This store has no region yet.", code="region_not_found")
    return region


def get_region(region_id: str | None) -> Region:
    if not region_id:
        return default_region()
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound(f"No region {region_id}.", code="region_not_found", fields={"region_id": ["Unknown region."]})
    return region


def create_sales_channel(*, name: str, description: str = "", is_default: bool = False) -> SalesChannel:
    with transaction.atomic():
        if is_default:
            SalesChannel.objects.filter(is_default=True).update(is_default=False)
        return SalesChannel.objects.create(name=name, description=description, is_default=is_default)


def update_sales_channel(channel: SalesChannel, data: dict) -> SalesChannel:
    with transaction.atomic():
        for field in ("name", "description", "is_disabled"):
            if field in data:
                setattr(channel, field, data[field])
        if data.get("is_default"):
            SalesChannel.objects.exclude(pk=channel.pk).update(is_default=False)
            channel.is_default = True
        channel.save()
    for key in channel.api_keys.all():
        cache.delete(_key_cache_name(key.token))
    return channel


def default_sales_channel() -> SalesChannel | None:
    return SalesChannel.objects.filter(is_default=True).first()


def issue_publishable_key(sales_channel: SalesChannel, title: str = "Storefront") -> PublishableApiKey:
    if sales_channel.is_disabled:
        raise Conflict("The sales channel is disabled.", code="sales_channel_disabled")
    return PublishableApiKey.objects.create(sales_channel=sales_channel, title=title)


def revoke_publishable_key(key: PublishableApiKey) -> PublishableApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
    cache.delete(_key_cache_name(key.token))
    return key


def ensure_tenant_defaults(tenant) -> dict:
    """A region in the tenant's currency (VAT 15 %, SA), a default sales channel with a
    publishable key, a default stock location and a default VAT rule. Idempotent."""
    from commerce.inventory.services import ensure_default_location
    from commerce.pricing.services import ensure_default_tax_rule

    currency = (getattr(tenant, "default_currency", "") or settings.DEFAULT_CURRENCY).upper()
    with transaction.atomic():
        region = Region.objects.filter(is_default=True).first()
        if region is None:
            region = create_region(name="Saudi Arabia", currency_code=currency, tax_rate=settings.VAT_RATE,
                                   countries=["SA"], is_default=True)
        channel = default_sales_channel()
        if channel is None:
            channel = create_sales_channel(name="Web store", description="The tenant's storefront", is_default=True)
        key = channel.api_keys.filter(revoked_at__isnull=True).first() or issue_publishable_key(channel)
        location = ensure_default_location()
        tax_rule = ensure_default_tax_rule(region)
    return {"region": region, "sales_channel": channel, "publishable_key": key, "stock_location": location,
            "tax_rule": tax_rule}
