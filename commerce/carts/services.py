"""Carts: create, edit, price. Completion (placing the order) lives in `commerce.orders.checkout`.

Every change locks the cart row, refuses a completed cart (409 `cart_completed`), applies the
change and recomputes the cart (`refresh`), which stores unit prices, discounts, taxes and
totals computed from the catalog. A change to the items gives back any stock the cart held for
its checkout.
"""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, Unprocessable
from cityos.money import ZERO
from commerce import conf
from commerce.carts import totals as arithmetic
from commerce.carts.models import Cart, CartShippingMethod, LineItem, PaymentSession, PaymentSessionStatus
from commerce.catalog import cache as catalog_cache
from commerce.catalog.models import Product, ProductStatus, ProductVariant
from commerce.customers import services as customers
from commerce.giftcards import services as giftcards
from commerce.inventory import services as inventory
from commerce.payments.gateway import require_provider
from commerce.pricing import tax
from commerce.pricing.services import PriceRequest, resolve_unit_prices
from commerce.promotions import services as promotions
from commerce.regions import services as regions
from commerce.shipping import services as shipping

ADDRESS_KEYS = ("first_name", "last_name", "company", "address_1", "address_2", "city", "province",
                "postal_code", "country_code", "phone")


# -- reading ---------------------------------------------------------------------------------------

def cart_queryset():
    return Cart.objects.select_related("region", "customer", "shipping_method", "payment_session", "order").prefetch_related(
        Prefetch("items", queryset=LineItem.objects.select_related("variant").order_by("created_at", "id")),
        "promotions", "gift_cards")


def cart_access(cart_id: str) -> dict:
    """What deciding who may see a cart needs, in one small query (404 when there is no cart)."""
    row = (Cart.objects.filter(pk=cart_id)
           .values("sales_channel_id", "customer_id", "customer__has_account", "completed_at").first())
    if row is None:
        raise NotFound(f"No cart {cart_id}.", code="cart_not_found")
    return row


def get_cart(cart_id: str) -> Cart:
    cart = cart_queryset().filter(pk=cart_id).first()
    if cart is None:
        raise NotFound(f"No cart {cart_id}.", code="cart_not_found")
    return cart


def _locked(cart_id: str) -> Cart:
    """The cart, row-locked for the rest of the transaction; 409 once completed."""
    cart = Cart.objects.select_for_update(of=("self",)).select_related("region").filter(pk=cart_id).first()
    if cart is None:
        raise NotFound(f"No cart {cart_id}.", code="cart_not_found")
    if cart.completed_at is not None:
        raise Conflict("This cart is already completed.", code="cart_completed")
    return cart


# -- pricing ---------------------------------------------------------------------------------------

def _lines(cart: Cart) -> list[LineItem]:
    return list(cart.items.select_related("variant__product").order_by("created_at", "id"))


def line_weight(line: LineItem) -> int:
    variant = line.variant
    return (variant.weight or variant.product.weight or 0) * line.quantity


def requires_shipping(lines: list[LineItem]) -> bool:
    return any(line.variant.product.kind == "physical" for line in lines)


_UNKNOWN = object()


def refresh(cart: Cart, *, lines: list[LineItem] | None = None, shipping_method=_UNKNOWN, now=None) -> Cart:
    """Recompute and store every figure of the cart from the catalog (run inside the lock).
    `lines` and `shipping_method`, when given, are the cart's current ones (read by the caller)."""
    now = now or timezone.now()
    currency = cart.currency_code
    lines = _lines(cart) if lines is None else lines
    group_ids = customers.group_ids(cart.customer) if cart.customer_id else []
    version = catalog_cache.version()
    prices = resolve_unit_prices(
        [PriceRequest(line.variant_id, line.variant.product_id, line.quantity) for line in lines], currency,
        group_ids=group_ids, now=now, catalog_version=version)
    unpriced = [line.sku for line in lines if line.variant_id not in prices]
    if unpriced:
        raise Unprocessable(f"{', '.join(unpriced)} cannot be bought in {currency}.", code="variant_not_priced",
                            fields={"items": [f"No {currency} price for {', '.join(unpriced)}."]})

    rules = catalog_cache.memo(f"tax-rules:{cart.region_id}", version, lambda: tax.region_rules(cart.region))
    categories = {}
    if any(rule.category_id for rule in rules):
        for product_id, category_id in Product.categories.through.objects.filter(
                product_id__in={line.variant.product_id for line in lines}).values_list("product_id", "productcategory_id"):
            categories.setdefault(product_id, set()).add(category_id)
    rates = {}
    inputs = []
    for line in lines:
        product = line.variant.product
        subject = tax.TaxSubject(product.id, product.kind, frozenset(categories.get(product.id, ())))
        rates[line.pk], _ = tax.rate_for(rules, subject, group_ids, cart.region.tax_rate)
        inputs.append(arithmetic.LineInput(key=line.pk, product_id=product.id, quantity=line.quantity,
                                           unit_price=prices[line.variant_id].amount, tax_rate=rates[line.pk],
                                           discountable=product.discountable))
    subtotal = sum((prices[line.variant_id].amount * line.quantity for line in lines), ZERO)

    shopper = promotions.Shopper(email=cart.email or (cart.customer.email if cart.customer_id else ""),
                                 group_ids=frozenset(group_ids))
    promo_inputs, skipped = [], []
    for promotion in cart.promotions.all().order_by("code"):
        reason = promotions.ineligibility(promotion, currency=currency, subtotal=subtotal, shopper=shopper, now=now)
        if reason:
            skipped.append({"code": promotion.code, "amount": "0", "applied": False, "reason": reason})
        else:
            promo_inputs.append(promotions.as_input(promotion))

    shipping_amount = None
    method = CartShippingMethod.objects.filter(cart=cart).first() if shipping_method is _UNKNOWN else shipping_method
    if method is not None:
        weight = sum(line_weight(line) for line in lines)
        option = catalog_cache.memo(f"shipping-option:{method.option_id}", version,
                                    lambda: shipping.get_option(method.option_id))
        amount = shipping.price_for(option, subtotal, weight, currency) if option.is_active else None
        if amount is None or not lines:
            method.delete()
        else:
            shipping_amount = amount
            if method.amount != amount:
                method.amount = amount
                method.save(update_fields=["amount"])

    gift_balance = sum((card.balance for card in cart.gift_cards.all() if card.currency_code == currency
                        and not card.is_disabled and not (card.expires_at and card.expires_at <= now)), ZERO)
    result = arithmetic.compute(currency, inputs, promo_inputs, shipping_amount,
                                tax.shipping_rate(rules, cart.region.tax_rate), gift_balance)

    for line in lines:
        figures = result.lines[line.pk]
        price = prices[line.variant_id]
        line.unit_price, line.price_source = price.amount, price.source
        line.subtotal, line.discount_total = figures.subtotal, figures.discount_total
        line.tax_rate, line.tax_total, line.total = rates[line.pk], figures.tax_total, figures.total
    LineItem.objects.bulk_update(lines, ["unit_price", "price_source", "subtotal", "discount_total", "tax_rate",
                                         "tax_total", "total"])
    cart.subtotal, cart.discount_total = result.subtotal, result.discount_total
    cart.shipping_total, cart.tax_total = result.shipping_total, result.tax_total
    cart.gift_card_total, cart.total = result.gift_card_total, result.total
    cart.applied_promotions = [
        {"code": p.code, "amount": str(p.amount), "applied": p.applied, "reason": p.reason} for p in result.promotions
    ] + skipped
    cart.save()
    return cart


# -- creating and editing --------------------------------------------------------------------------

def _clean_address(address, field: str):
    if address is None:
        return None
    if not isinstance(address, dict):
        raise InvalidInput("An address is an object.", fields={field: ["Expected an object."]})
    cleaned = {key: str(address.get(key, "") or "")[:255] for key in ADDRESS_KEYS}
    missing = [key for key in ("address_1", "city", "country_code") if not cleaned[key]]
    if missing:
        raise InvalidInput("The address is incomplete.", fields={f"{field}.{key}": ["This field is required."] for key in missing})
    cleaned["country_code"] = cleaned["country_code"].upper()
    if len(cleaned["country_code"]) != 2 or not cleaned["country_code"].isalpha():
        raise InvalidInput("A country is a two-letter code.", fields={f"{field}.country_code": ["Like SA."]})
    return cleaned


def _check_region_country(region, address, field):
    if address and region.countries and address["country_code"] not in region.countries:
        raise Unprocessable(f"{region.name} does not ship to {address['country_code']}.", code="country_not_in_region",
                            fields={f"{field}.country_code": [f"One of {', '.join(region.countries)}."]})


def create_cart(*, sales_channel_id: str, region_id: str | None = None, customer=None, email: str | None = None,
                items=(), shipping_address=None, metadata: dict | None = None) -> Cart:
    """A new cart in the region (default: the store's default region), optionally with items
    [{variant_id, quantity}]."""
    region = regions.get_region(region_id)
    with transaction.atomic():
        cart = Cart.objects.create(
            region=region, sales_channel_id=sales_channel_id, currency_code=region.currency_code, customer=customer,
            email=customers.normalize_email(email) if email else (customer.email if customer else ""),
            shipping_address=_clean_address(shipping_address, "shipping_address"), metadata=_client_metadata(metadata))
        _check_region_country(region, cart.shipping_address, "shipping_address")
        for index, item in enumerate(items or []):
            _add(cart, item.get("variant_id"), item.get("quantity"), item.get("metadata"), where=f"items[{index}]")
        refresh(cart)
    return get_cart(cart.id)


def _client_metadata(metadata) -> dict:
    """Shoppers may attach metadata, but never the canonical CMS keys that drive revenue attribution."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise InvalidInput("metadata is an object.", fields={"metadata": ["Expected an object."]})
    return {k: v for k, v in metadata.items() if not str(k).startswith("cms_")}


def update_cart(cart_id: str, data: dict, *, customer=None) -> Cart:
    """email, shipping_address, billing_address, region_id, metadata; a signed-in customer
    claims a guest cart."""
    with transaction.atomic():
        cart = _locked(cart_id)
        if "email" in data:
            cart.email = customers.normalize_email(data["email"])
        if "shipping_address" in data:
            cart.shipping_address = _clean_address(data["shipping_address"], "shipping_address")
        if "billing_address" in data:
            cart.billing_address = _clean_address(data["billing_address"], "billing_address")
        if data.get("region_id") and data["region_id"] != cart.region_id:
            region = regions.get_region(data["region_id"])
            cart.region, cart.currency_code = region, region.currency_code
            CartShippingMethod.objects.filter(cart=cart).delete()
            inventory.release_holds(cart_id=cart.id)
        _check_region_country(cart.region, cart.shipping_address, "shipping_address")
        if "metadata" in data:
            cart.metadata = {**cart.metadata, **_client_metadata(data["metadata"])}
        if customer is not None and cart.customer_id is None:
            cart.customer = customer
            cart.email = cart.email or customer.email
        refresh(cart)
    return get_cart(cart.id)


def _sellable_variant(cart: Cart, variant_id, where: str) -> ProductVariant:
    variant = (ProductVariant.objects.select_related("product")
               .filter(pk=variant_id or "", is_archived=False, product__status=ProductStatus.PUBLISHED,
                       product__sales_channels=cart.sales_channel_id).first())
    if variant is None:
        raise NotFound(f"No variant {variant_id} is for sale here.", code="variant_not_found",
                       fields={f"{where}.variant_id" if where else "variant_id": ["Unknown variant."]})
    return variant


def _check_quantity(quantity, where: str) -> int:
    field = f"{where}.quantity" if where else "quantity"
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise InvalidInput("The quantity is a whole number of at least 1.", fields={field: ["At least 1."]})
    if quantity > conf.MAX_LINE_QUANTITY:
        raise InvalidInput(f"At most {conf.MAX_LINE_QUANTITY} of one item per order.",
                           fields={field: [f"At most {conf.MAX_LINE_QUANTITY}."]})
    return quantity


def _check_stock(variant: ProductVariant, quantity: int) -> None:
    if not variant.manage_inventory or variant.allow_backorder or not variant.inventory_item_id:
        return
    available = inventory.available_quantities([variant.inventory_item_id]).get(variant.inventory_item_id, 0)
    if quantity > available:
        raise Conflict(f"Only {available} of {variant.sku} available.", code="insufficient_inventory",
                       fields={variant.sku: [f"Requested {quantity}, only {available} available."]})


def _add(cart: Cart, variant_id, quantity, metadata, where: str = "") -> LineItem:
    quantity = _check_quantity(quantity, where)
    variant = _sellable_variant(cart, variant_id, where)
    line = LineItem.objects.filter(cart=cart, variant=variant).first()
    total_quantity = quantity + (line.quantity if line else 0)
    _check_quantity(total_quantity, where)
    _check_stock(variant, total_quantity)
    if line is None:
        product = variant.product
        line = LineItem(cart=cart, variant=variant, quantity=quantity, title=product.title,
                        variant_title=variant.title, sku=variant.sku, thumbnail=product.thumbnail,
                        metadata=_client_metadata(metadata))
    else:
        line.quantity = total_quantity
    line.save()
    return line


def _items_changed(cart: Cart) -> None:
    inventory.release_holds(cart_id=cart.id)
    PaymentSession.objects.filter(cart=cart).update(reservation_expires_at=None)


def add_line_item(cart_id: str, variant_id: str, quantity: int, metadata: dict | None = None) -> Cart:
    """Add `quantity` of a variant (added to the line when the cart has it already)."""
    with transaction.atomic():
        cart = _locked(cart_id)
        _add(cart, variant_id, quantity, metadata)
        _items_changed(cart)
        refresh(cart)
    return get_cart(cart.id)


def _line(cart: Cart, line_id: str) -> LineItem:
    line = LineItem.objects.select_related("variant").filter(cart=cart, pk=line_id).first()
    if line is None:
        raise NotFound(f"No line item {line_id} in this cart.", code="line_item_not_found")
    return line


def update_line_item(cart_id: str, line_id: str, quantity: int) -> Cart:
    """Set a line's quantity (0 removes it)."""
    with transaction.atomic():
        cart = _locked(cart_id)
        line = _line(cart, line_id)
        if quantity == 0:
            line.delete()
        else:
            _check_quantity(quantity, "")
            _check_stock(line.variant, quantity)
            line.quantity = quantity
            line.save(update_fields=["quantity", "updated_at"])
        _items_changed(cart)
        refresh(cart)
    return get_cart(cart.id)


def remove_line_item(cart_id: str, line_id: str) -> Cart:
    with transaction.atomic():
        cart = _locked(cart_id)
        _line(cart, line_id).delete()
        _items_changed(cart)
        refresh(cart)
    return get_cart(cart.id)


def apply_promotion(cart_id: str, code: str) -> Cart:
    """Attach a promotion code; 404 for an unknown code, 422 with the reason when it cannot apply."""
    with transaction.atomic():
        cart = _locked(cart_id)
        promotion = promotions.get_by_code(code)
        subtotal = sum((line.unit_price * line.quantity for line in cart.items.all()), ZERO)
        group_ids = customers.group_ids(cart.customer) if cart.customer_id else []
        shopper = promotions.Shopper(email=cart.email, group_ids=frozenset(group_ids))
        promotions.raise_if_ineligible(promotion, currency=cart.currency_code, subtotal=subtotal, shopper=shopper)
        cart.promotions.add(promotion)
        refresh(cart)
    return get_cart(cart.id)


def remove_promotion(cart_id: str, code: str) -> Cart:
    with transaction.atomic():
        cart = _locked(cart_id)
        promotion = cart.promotions.filter(code=promotions.normalize_code(code)).first()
        if promotion is None:
            raise NotFound(f"The cart has no promotion {promotions.normalize_code(code)}.", code="promotion_not_found")
        cart.promotions.remove(promotion)
        refresh(cart)
    return get_cart(cart.id)


def apply_gift_card(cart_id: str, code: str) -> Cart:
    with transaction.atomic():
        cart = _locked(cart_id)
        card = giftcards.check(code, currency_code=cart.currency_code)
        cart.gift_cards.add(card)
        refresh(cart)
    return get_cart(cart.id)


def remove_gift_card(cart_id: str, code: str) -> Cart:
    with transaction.atomic():
        cart = _locked(cart_id)
        card = cart.gift_cards.filter(code=giftcards.normalize_code(code)).first()
        if card is None:
            raise NotFound("The cart has no such gift card.", code="gift_card_not_found")
        cart.gift_cards.remove(card)
        refresh(cart)
    return get_cart(cart.id)


@dataclass
class ShippingChoice:
    option: object
    amount: Decimal


def shipping_options_for(cart: Cart) -> list[ShippingChoice]:
    lines = _lines(cart)
    weight = sum(line_weight(line) for line in lines)
    subtotal = sum((line.unit_price * line.quantity for line in lines), ZERO)
    return [ShippingChoice(option, amount) for option, amount in shipping.options_for(cart.region, subtotal, weight)]


def add_shipping_method(cart_id: str, option_id: str, data: dict | None = None) -> Cart:
    """Choose how the cart is delivered; the price comes from the option's rates."""
    with transaction.atomic():
        cart = _locked(cart_id)
        option = shipping.get_option(option_id)
        if option.region_id != cart.region_id or not option.is_active:
            raise Unprocessable("This shipping option is not offered in the cart's region.",
                                code="shipping_option_unavailable", fields={"option_id": ["Not offered here."]})
        choices = {c.option.pk: c.amount for c in shipping_options_for(cart)}
        if option.pk not in choices:
            raise Unprocessable("This shipping option cannot deliver this cart.", code="shipping_option_unavailable",
                                fields={"option_id": ["No rate matches this cart."]})
        CartShippingMethod.objects.update_or_create(
            cart=cart, defaults={"option": option, "name": option.name, "amount": choices[option.pk],
                                 "data": data or {}})
        refresh(cart)
    return get_cart(cart.id)


def stock_needs(lines: list[LineItem]) -> list[inventory.Need]:
    return [inventory.Need(item_id=line.variant.inventory_item_id, quantity=line.quantity, line_id=line.pk,
                           label=line.sku)
            for line in lines
            if line.variant.manage_inventory and not line.variant.allow_backorder and line.variant.inventory_item_id]


def create_payment_session(cart_id: str, provider: str) -> Cart:
    """Choose the payment provider and start the checkout: the cart's stock is held for
    `COMMERCE_RESERVATION_TTL_SECONDS` (409 `insufficient_inventory` when it is not there)."""
    require_provider(provider)
    with transaction.atomic():
        cart = _locked(cart_id)
        lines = _lines(cart)
        if not lines:
            raise Unprocessable("The cart is empty.", code="cart_empty")
        refresh(cart)
        expires_at = timezone.now() + timedelta(seconds=conf.RESERVATION_TTL_SECONDS)
        inventory.hold_for_cart(cart.id, stock_needs(lines), expires_at)
        PaymentSession.objects.update_or_create(cart=cart, defaults={
            "provider": provider, "status": PaymentSessionStatus.PENDING, "amount": cart.total,
            "reservation_expires_at": expires_at, "last_error": None})
    return get_cart(cart.id)
