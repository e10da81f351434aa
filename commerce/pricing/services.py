"""Unit prices from the catalog, price lists and volume tiers; price list and tier management.

The unit price of a variant for a shopper, a currency and a quantity:

1. the variant's list price in the currency (`ProductPrice`); a variant without one is not sold
   in that currency;
2. price lists that apply now (active, inside their window, for everyone or one of the shopper's
   customer groups, with a price for the variant in the currency and `min_quantity` ≤ quantity):
   if any is an *override* list, the lowest override price replaces the list price (it may be
   higher: a contract price); otherwise the lowest of the list price and the *sale* prices wins;
3. volume tiers that apply now (for the variant, or for its product with the quantities of all
   the product's variants in the cart summed): the cheapest matching tier applies to the price
   of step 2 — a percentage off it, or a fixed unit price when that is lower.

Every unit price is rounded half-up to the currency's minor unit.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cityos.errors import InvalidInput, NotFound
from cityos.money import round_money
from commerce.catalog.models import ProductPrice, ProductVariant
from commerce.pricing.models import (
    PriceList, PriceListPrice, PriceListStatus, PriceListType, TaxRule, TierDiscountType, VolumePricing,
    VolumePricingTier,
)

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PriceRequest:
    variant_id: str
    product_id: str
    quantity: int


@dataclass(frozen=True)
class UnitPrice:
    amount: Decimal
    base_amount: Decimal
    source: str  # "base", "price_list:<id>", "volume:<id>"


def _group_filter(prefix: str, group_ids):
    condition = Q(**{f"{prefix}customer_groups__isnull": True})
    if group_ids:
        condition |= Q(**{f"{prefix}customer_groups__in": list(group_ids)})
    return condition


def rules_present(catalog_version: str | None) -> tuple[bool, bool]:
    """(any active price list, any active volume pricing) — remembered per catalog version, which
    every price list and tier change replaces; unknown without a version."""
    if catalog_version is None:
        return True, True
    key = f"commerce:pricing-rules:{catalog_version}"
    present = cache.get(key)
    if present is None:
        present = (PriceList.objects.filter(status=PriceListStatus.ACTIVE).exists(),
                   VolumePricing.objects.filter(is_active=True).exists())
        cache.set(key, present, 3600)
    return present


def resolve_unit_prices(requests: list[PriceRequest], currency: str, *, group_ids=(), now: datetime | None = None,
                        base_prices: dict | None = None, catalog_version: str | None = None) -> dict[str, UnitPrice]:
    """Unit prices per variant id (variants without a price in `currency` are left out).
    At most three queries whatever the number of lines: list prices (none when `base_prices`
    gives them), price lists and volume tiers (none when `catalog_version` tells there are none)."""
    now = now or timezone.now()
    currency = currency.upper()
    variant_ids = [r.variant_id for r in requests]
    base = base_prices if base_prices is not None else dict(
        ProductPrice.objects.filter(variant_id__in=variant_ids, currency_code=currency).values_list("variant_id", "amount"))
    has_lists, has_tiers = rules_present(catalog_version)

    list_prices = defaultdict(list)
    rows = [] if not has_lists else (PriceListPrice.objects
            .filter(variant_id__in=variant_ids, currency_code=currency, price_list__status=PriceListStatus.ACTIVE)
            .filter(Q(price_list__starts_at__isnull=True) | Q(price_list__starts_at__lte=now))
            .filter(Q(price_list__ends_at__isnull=True) | Q(price_list__ends_at__gt=now))
            .filter(_group_filter("price_list__", group_ids))
            .values_list("variant_id", "amount", "min_quantity", "price_list_id", "price_list__type")
            .distinct())
    for variant_id, amount, min_quantity, list_id, list_type in rows:
        list_prices[variant_id].append((amount, min_quantity, list_id, list_type))

    product_quantity = defaultdict(int)
    for r in requests:
        product_quantity[r.product_id] += r.quantity
    tiers_by_target = defaultdict(list)
    product_ids = list(product_quantity)
    tier_rows = [] if not has_tiers else (VolumePricingTier.objects
                 .filter(volume_pricing__is_active=True)
                 .filter(Q(volume_pricing__variant_id__in=variant_ids) | Q(volume_pricing__product_id__in=product_ids))
                 .filter(Q(volume_pricing__starts_at__isnull=True) | Q(volume_pricing__starts_at__lte=now))
                 .filter(Q(volume_pricing__ends_at__isnull=True) | Q(volume_pricing__ends_at__gt=now))
                 .filter(_group_filter("volume_pricing__", group_ids))
                 .values_list("volume_pricing_id", "volume_pricing__variant_id", "volume_pricing__product_id",
                              "min_quantity", "max_quantity", "discount_type", "value", "currency_code")
                 .distinct())
    for row in tier_rows:
        variant_id, product_id = row[1], row[2]
        tiers_by_target[("variant", variant_id) if variant_id else ("product", product_id)].append(row)

    result = {}
    for r in requests:
        if r.variant_id not in base:
            continue
        list_price = base[r.variant_id]
        price, source = list_price, "base"
        applicable = [p for p in list_prices.get(r.variant_id, []) if p[1] <= r.quantity]
        overrides = [p for p in applicable if p[3] == PriceListType.OVERRIDE]
        if overrides:
            best = min(overrides, key=lambda p: p[0])
            price, source = best[0], f"price_list:{best[2]}"
        else:
            for amount, _, list_id, _ in applicable:
                if amount < price:
                    price, source = amount, f"price_list:{list_id}"
        price = round_money(price, currency)
        listed = price
        candidates = [(t, r.quantity) for t in tiers_by_target.get(("variant", r.variant_id), [])]
        candidates += [(t, product_quantity[r.product_id]) for t in tiers_by_target.get(("product", r.product_id), [])]
        for tier, counted in candidates:
            _, _, _, minimum, maximum, kind, value, tier_currency = tier
            if counted < minimum or (maximum is not None and counted > maximum):
                continue
            if kind == TierDiscountType.PERCENTAGE:
                tiered = round_money(listed * (HUNDRED - value) / HUNDRED, currency)
            elif (tier_currency or "").upper() == currency:
                tiered = round_money(value, currency)
            else:
                continue
            if tiered < price:
                price, source = tiered, f"volume:{tier[0]}"
        result[r.variant_id] = UnitPrice(amount=price, base_amount=round_money(list_price, currency), source=source)
    return result


# -- tax rules -------------------------------------------------------------------------------------

def ensure_default_tax_rule(region) -> TaxRule:
    rule = region.tax_rules.filter(is_default=True).first()
    if rule is None:
        rule = TaxRule.objects.create(region=region, name=f"VAT {region.tax_rate * 100:.0f} %", code="VAT",
                                      rate=region.tax_rate, is_default=True)
    return rule


def _rate(value, field="rate") -> Decimal:
    try:
        rate = Decimal(str(value))
    except Exception:
        raise InvalidInput("A rate is a fraction such as 0.15.", fields={field: ["A decimal between 0 and 1."]}) from None
    if not rate.is_finite() or rate < 0 or rate > 1:
        raise InvalidInput("A rate is a fraction between 0 and 1 (0.15 is 15 %).", fields={field: ["Between 0 and 1."]})
    return rate


def save_tax_rule(data: dict, rule: TaxRule | None = None) -> TaxRule:
    """Create or update a tax rule from {region_id, name, code, rate, priority, product_id,
    category_id, product_kind, customer_group_id, is_default}."""
    rule = rule or TaxRule()
    for field in ("name", "code", "priority", "product_kind", "is_default"):
        if field in data:
            setattr(rule, field, data[field])
    for field in ("region_id", "product_id", "category_id", "customer_group_id"):
        if field in data:
            setattr(rule, field, data[field] or None)
    if "rate" in data:
        rule.rate = _rate(data["rate"])
    if not rule.region_id:
        raise InvalidInput("A tax rule belongs to a region.", fields={"region_id": ["This field is required."]})
    if not rule.name:
        raise InvalidInput("A tax rule needs a name.", fields={"name": ["This field is required."]})
    rule.save()
    return rule


# -- price lists -----------------------------------------------------------------------------------

def _window(data, obj):
    starts, ends = data.get("starts_at", obj.starts_at), data.get("ends_at", obj.ends_at)
    if starts and ends and ends <= starts:
        raise InvalidInput("The window ends before it starts.", fields={"ends_at": ["Must be after starts_at."]})


def _groups(group_ids):
    from commerce.customers.models import CustomerGroup

    ids = list(dict.fromkeys(group_ids or []))
    groups = list(CustomerGroup.objects.filter(pk__in=ids))
    if len(groups) != len(ids):
        raise InvalidInput("Unknown customer group.", fields={"customer_group_ids": ["Unknown customer group."]})
    return groups


def _price_rows(price_list: PriceList, prices) -> list[PriceListPrice]:
    rows = {}
    variant_ids = {p.get("variant_id") for p in prices or []}
    known = set(ProductVariant.objects.filter(pk__in=variant_ids).values_list("pk", flat=True))
    for index, price in enumerate(prices or []):
        where = f"prices[{index}]"
        if price.get("variant_id") not in known:
            raise InvalidInput("Unknown variant.", fields={f"{where}.variant_id": ["Unknown variant."]})
        currency = str(price.get("currency_code", "")).upper()
        if len(currency) != 3:
            raise InvalidInput("A price needs a currency.", fields={f"{where}.currency_code": ["Like SAR."]})
        from commerce.catalog.services import _money

        amount = round_money(_money(price.get("amount"), f"{where}.amount"), currency)
        minimum = int(price.get("min_quantity") or 1)
        if minimum < 1:
            raise InvalidInput("min_quantity is at least 1.", fields={f"{where}.min_quantity": ["At least 1."]})
        rows[(price["variant_id"], currency, minimum)] = PriceListPrice(
            price_list=price_list, variant_id=price["variant_id"], currency_code=currency, amount=amount,
            min_quantity=minimum)
    return list(rows.values())


def save_price_list(data: dict, price_list: PriceList | None = None) -> PriceList:
    """Create or update a price list: {name, description, type sale|override, status,
    starts_at, ends_at, customer_group_ids, prices [{variant_id, currency_code, amount,
    min_quantity}]} — given `prices` replace the list's prices."""
    price_list = price_list or PriceList()
    for field in ("name", "description", "metadata", "starts_at", "ends_at"):
        if field in data:
            setattr(price_list, field, data[field])
    if "type" in data:
        if data["type"] not in PriceListType.values:
            raise InvalidInput("Unknown price list type.", fields={"type": [f"One of {', '.join(PriceListType.values)}."]})
        price_list.type = data["type"]
    if "status" in data:
        if data["status"] not in PriceListStatus.values:
            raise InvalidInput("Unknown status.", fields={"status": [f"One of {', '.join(PriceListStatus.values)}."]})
        price_list.status = data["status"]
    if not price_list.name:
        raise InvalidInput("A price list needs a name.", fields={"name": ["This field is required."]})
    _window(data, price_list)
    with transaction.atomic():
        price_list.save()
        if "customer_group_ids" in data:
            price_list.customer_groups.set(_groups(data["customer_group_ids"]))
        if "prices" in data:
            rows = _price_rows(price_list, data["prices"])
            price_list.prices.all().delete()
            PriceListPrice.objects.bulk_create(rows)
    return price_list


def get_price_list(price_list_id: str) -> PriceList:
    price_list = PriceList.objects.filter(pk=price_list_id).first()
    if price_list is None:
        raise NotFound(f"No price list {price_list_id}.", code="price_list_not_found")
    return price_list


# -- volume pricing --------------------------------------------------------------------------------

def save_volume_pricing(data: dict, rule: VolumePricing | None = None) -> VolumePricing:
    """Create or update tiers: {name, product_id | variant_id, customer_group_ids, is_active,
    starts_at, ends_at, tiers [{min_quantity, max_quantity, discount_type percentage|fixed_price,
    value, currency_code}]} — given `tiers` replace the current ones."""
    rule = rule or VolumePricing()
    for field in ("name", "is_active", "starts_at", "ends_at"):
        if field in data:
            setattr(rule, field, data[field])
    for field in ("product_id", "variant_id"):
        if field in data:
            setattr(rule, field, data[field] or None)
    if not rule.name:
        raise InvalidInput("Volume pricing needs a name.", fields={"name": ["This field is required."]})
    if not (rule.product_id or rule.variant_id):
        raise InvalidInput("Volume pricing targets a product or a variant.",
                           fields={"product_id": ["Give a product_id or a variant_id."]})
    from commerce.catalog.models import Product

    if rule.product_id and not Product.objects.filter(pk=rule.product_id).exists():
        raise InvalidInput("Unknown product.", fields={"product_id": ["Unknown product."]})
    if rule.variant_id and not ProductVariant.objects.filter(pk=rule.variant_id).exists():
        raise InvalidInput("Unknown variant.", fields={"variant_id": ["Unknown variant."]})
    _window(data, rule)
    tiers = []
    for index, tier in enumerate(data.get("tiers") or []):
        where = f"tiers[{index}]"
        minimum, maximum = tier.get("min_quantity"), tier.get("max_quantity")
        if not isinstance(minimum, int) or minimum < 1:
            raise InvalidInput("min_quantity is at least 1.", fields={f"{where}.min_quantity": ["At least 1."]})
        if maximum is not None and (not isinstance(maximum, int) or maximum < minimum):
            raise InvalidInput("max_quantity is at least min_quantity.", fields={f"{where}.max_quantity": ["Too small."]})
        kind = tier.get("discount_type", TierDiscountType.PERCENTAGE)
        if kind not in TierDiscountType.values:
            raise InvalidInput("Unknown discount type.", fields={f"{where}.discount_type": ["percentage or fixed_price."]})
        value = Decimal(str(tier.get("value", "0")))
        if value < 0 or (kind == TierDiscountType.PERCENTAGE and value > 100):
            raise InvalidInput("A percentage is between 0 and 100.", fields={f"{where}.value": ["Out of range."]})
        currency = str(tier.get("currency_code", "")).upper()
        if kind == TierDiscountType.FIXED_PRICE and len(currency) != 3:
            raise InvalidInput("A fixed unit price needs a currency.", fields={f"{where}.currency_code": ["Like SAR."]})
        tiers.append(VolumePricingTier(min_quantity=minimum, max_quantity=maximum, discount_type=kind, value=value,
                                       currency_code=currency))
    with transaction.atomic():
        rule.save()
        if "customer_group_ids" in data:
            rule.customer_groups.set(_groups(data["customer_group_ids"]))
        if "tiers" in data:
            rule.tiers.all().delete()
            for tier in tiers:
                tier.volume_pricing = rule
            VolumePricingTier.objects.bulk_create(tiers)
    return rule
