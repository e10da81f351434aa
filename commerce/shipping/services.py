"""Shipping options and their prices for a cart."""
from decimal import Decimal

from django.db import transaction

from cityos.errors import InvalidInput, NotFound
from cityos.money import round_money
from commerce.shipping.models import ShippingOption, ShippingProvider, ShippingRate


def price_for(option: ShippingOption, subtotal: Decimal, weight: int, currency: str) -> Decimal | None:
    """The first matching rate's amount, or None when the option cannot serve this cart."""
    for rate in option.rates.all():
        if rate.matches(subtotal, weight):
            return round_money(rate.amount, currency)
    return None


def options_for(region, subtotal: Decimal, weight: int) -> list[tuple[ShippingOption, Decimal]]:
    options = ShippingOption.objects.filter(region=region, is_active=True).prefetch_related("rates")
    priced = []
    for option in options:
        amount = price_for(option, subtotal, weight, region.currency_code)
        if amount is not None:
            priced.append((option, amount))
    return priced


def get_option(option_id: str) -> ShippingOption:
    option = ShippingOption.objects.select_related("region").prefetch_related("rates").filter(pk=option_id).first()
    if option is None:
        raise NotFound(f"No shipping option {option_id}.", code="shipping_option_not_found",
                       fields={"option_id": ["Unknown shipping option."]})
    return option


def _amount(value, field):
    try:
        amount = Decimal(str(value))
    except Exception:
        raise InvalidInput(f"{field} is not an amount.", fields={field: ["A decimal amount."]}) from None
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"{field} must be 0 or more.", fields={field: ["0 or more."]})
    return amount


def save_option(data: dict, option: ShippingOption | None = None) -> ShippingOption:
    """Create or update: {region_id, name, code, provider manual|fleetbase, is_pickup, is_active,
    position, metadata, rates [{amount, min_subtotal, max_subtotal, min_weight, max_weight}]} —
    given `rates` replace the current ones (evaluated in the given order). A flat option is one
    rate without conditions; `amount` alone is shorthand for that."""
    option = option or ShippingOption()
    for field in ("name", "code", "is_pickup", "is_active", "position", "metadata"):
        if field in data:
            setattr(option, field, data[field])
    if "region_id" in data:
        option.region_id = data["region_id"]
    if "provider" in data:
        if data["provider"] not in ShippingProvider.values:
            raise InvalidInput("Unknown provider.", fields={"provider": [f"One of {', '.join(ShippingProvider.values)}."]})
        option.provider = data["provider"]
    missing = [f for f in ("region_id", "name", "code") if not getattr(option, f)]
    if missing:
        raise InvalidInput("The shipping option is incomplete.", fields={f: ["This field is required."] for f in missing})
    rates = data.get("rates")
    if rates is None and "amount" in data:
        rates = [{"amount": data["amount"]}]
    cleaned = []
    for index, rate in enumerate(rates or []):
        where = f"rates[{index}]"
        cleaned.append(ShippingRate(
            amount=_amount(rate.get("amount"), f"{where}.amount"),
            min_subtotal=None if rate.get("min_subtotal") is None else _amount(rate["min_subtotal"], f"{where}.min_subtotal"),
            max_subtotal=None if rate.get("max_subtotal") is None else _amount(rate["max_subtotal"], f"{where}.max_subtotal"),
            min_weight=rate.get("min_weight"), max_weight=rate.get("max_weight"), position=index))
    with transaction.atomic():
        option.save()
        if rates is not None:
            option.rates.all().delete()
            for rate in cleaned:
                rate.option = option
            ShippingRate.objects.bulk_create(cleaned)
    return option
