"""Completing a cart: reserve the stock, authorise the payment, place the order.

Three short steps, so no lock is held while the payment gateway is called:

1. *Prepare* (one transaction, cart row locked): a completed cart returns its order. Otherwise
   the cart is validated and recomputed from the catalog, and its stock is held (inventory
   levels row-locked in a fixed order: concurrent checkouts never oversell; short stock → 409
   `insufficient_inventory`).
2. *Authorise* (no transaction): a PaymentIntent with manual capture, idempotency key
   `<cart id>:authorize:<attempt>`, so repeating a completion never authorises twice. A decline
   releases the stock, counts the attempt (the next try gets a fresh key) and answers 402 with
   the reason; the cart stays as it was.
3. *Place* (one transaction, cart row locked again): a concurrent completion that won returns
   its order; a cart changed since step 1 is refused (409 `cart_changed`); the holds are checked
   again under lock and move to the order, promotion uses and gift card balances are taken
   (row-locked), and the order, its payment and its `order.placed` event are written together.
   Anything failing after the authorisation cancels it before the error is returned.
"""
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cityos.errors import Conflict, NotFound, ServiceError, Unprocessable
from cityos.money import ZERO, fmt
from commerce import conf, events
from commerce.carts import services as carts
from commerce.carts.models import Cart, CartShippingMethod, PaymentSession, PaymentSessionStatus
from commerce.customers import services as customers
from commerce.giftcards import services as giftcards
from commerce.inventory import services as inventory
from commerce.orders.models import DISPLAY_ID_OFFSET, DISPLAY_ID_SEQUENCE, Order, OrderLineItem, PaymentStatus
from commerce.marketplace import services as marketplace
from commerce.payments import gateway, installments as installment_plans
from commerce.payments.models import Payment, PaymentAttempt, PaymentState
from commerce.payments.services import payment_ref
from commerce.promotions import services as promotions

logger = logging.getLogger(__name__)

CMS_KEYS = ("cms_poi_id", "cms_domain", "cms_tenant_id", "cms_collection", "cms_id", "cms_title", "cms_synced_at")


@dataclass
class Prepared:
    cart_id: str
    version: tuple  # `fingerprint()` of the cart after step 1
    amount: Decimal
    currency: str
    provider: str
    attempt: int
    email: str
    payment_method: str = ""
    installments: dict | None = None


@dataclass
class Completion:
    order: Order
    created: bool
    lines: list | None = None  # the order's lines when this call placed it


def complete_cart(cart_id: str, *, payment_method: str | None = None, provider: str | None = None,
                  installments: dict | None = None) -> Completion:
    """Place the order of a cart (see the module docstring). Returns the order and whether this
    call created it (False: the cart was completed before, the same order is returned).
    `installments` (`{"count": 2–12, "interval": weekly|biweekly|monthly}`) pays the total in
    instalments: the first is captured when the order is confirmed, the others when they fall due."""
    installments = installment_plans.validate_request(installments)
    prepared = _prepare(cart_id, provider, payment_method)
    if isinstance(prepared, Order):
        return Completion(prepared, False)
    if installments and prepared.amount <= ZERO:
        installments = None
    prepared.payment_method, prepared.installments = payment_method or "", installments
    intent = None
    if prepared.amount > ZERO:
        try:
            intent = gateway.authorize(
                provider=prepared.provider, amount=prepared.amount, currency=prepared.currency,
                idempotency_key=f"{prepared.cart_id}:authorize:{prepared.attempt}", payment_method=payment_method,
                metadata={"cart_id": prepared.cart_id, "tenant": connection.schema_name}, email=prepared.email,
                description=f"Cart {prepared.cart_id}")
        except ServiceError as exc:
            _payment_failed(prepared, exc)
            raise
    try:
        return _place(prepared, intent)
    except Exception as exc:
        if intent is not None:
            _void_authorisation(prepared, intent, exc)
        raise


# -- step 1 ----------------------------------------------------------------------------------------

def _prepare(cart_id: str, provider: str | None, payment_method: str | None):
    with transaction.atomic():
        cart = Cart.objects.select_for_update(of=("self",)).select_related("region").filter(pk=cart_id).first()
        if cart is None:
            raise NotFound(f"No cart {cart_id}.", code="cart_not_found")
        if cart.completed_at is not None:
            return Order.objects.get(cart=cart)
        lines = carts._lines(cart)
        method = CartShippingMethod.objects.filter(cart=cart).select_related("option").first()
        _validate(cart, lines, method)
        carts.refresh(cart, lines=lines, shipping_method=method)
        if method is not None and method.pk is None:  # dropped by refresh: no rate matches the cart now
            _validate(cart, lines, None)
        if cart.total > ZERO and not payment_method:
            raise Unprocessable("A payment method is required to complete this cart.", code="payment_method_required",
                                fields={"payment_method": ["This field is required."]})
        session = PaymentSession.objects.filter(cart=cart).first()
        provider = provider or (session.provider if session else "sandbox")
        if provider not in gateway.PROVIDERS:
            gateway.adapter(provider)  # raises the 400 with the allowed values
        expires_at = timezone.now() + timedelta(seconds=conf.RESERVATION_TTL_SECONDS)
        inventory.hold_for_cart(cart.id, carts.stock_needs(lines), expires_at)
        return Prepared(cart_id=cart.id, version=fingerprint(cart, lines), amount=cart.total, currency=cart.currency_code,
                        provider=provider, attempt=cart.payment_attempts,
                        email=cart.email or (cart.customer.email if cart.customer_id else ""))


def fingerprint(cart: Cart, lines) -> tuple:
    """What the shopper agreed to pay for (total, currency, the priced lines) and the payment
    attempt: a concurrent completion that failed after authorising voids the shared intent and
    moves the attempt on, so a completion still holding that intent cannot place the order."""
    return (cart.payment_attempts, Decimal(cart.total), cart.currency_code, Decimal(cart.shipping_total),
            tuple((line.pk, line.variant_id, line.quantity, Decimal(line.total)) for line in lines))


def _validate(cart: Cart, lines, method) -> None:
    if not lines:
        raise Unprocessable("The cart is empty.", code="cart_empty")
    if not (cart.email or cart.customer_id):
        raise Unprocessable("An email is required to complete the cart.", code="email_required",
                            fields={"email": ["This field is required."]})
    if carts.requires_shipping(lines):
        if method is None:
            raise Unprocessable("Choose a shipping method first.", code="shipping_method_required",
                                fields={"shipping_method": ["This field is required."]})
        if not method.option.is_pickup and not cart.shipping_address:
            raise Unprocessable("A shipping address is required.", code="shipping_address_required",
                                fields={"shipping_address": ["This field is required."]})


# -- step 2 failures -------------------------------------------------------------------------------

def _payment_failed(prepared: Prepared, exc: ServiceError) -> None:
    """Give the stock back and count the attempt; the cart itself is untouched."""
    with transaction.atomic():
        inventory.release_holds(cart_id=prepared.cart_id)
        Cart.objects.filter(pk=prepared.cart_id).update(payment_attempts=prepared.attempt + 1)
        error = {"code": exc.code, "message": exc.message, "decline_code": getattr(exc, "decline_code", "")}
        PaymentSession.objects.filter(cart_id=prepared.cart_id).update(
            status=PaymentSessionStatus.DECLINED if isinstance(exc, gateway.PaymentDeclined) else PaymentSessionStatus.ERROR,
            last_error=error, reservation_expires_at=None)
        PaymentAttempt.objects.create(
            cart_id=prepared.cart_id, provider=prepared.provider, amount=prepared.amount,
            currency_code=prepared.currency, succeeded=False,
            payment_intent_id=getattr(exc, "payment_intent_id", ""), error_class=getattr(exc, "error_class", "") or exc.code,
            decline_code=getattr(exc, "decline_code", ""), message=exc.message[:500])


def _void_authorisation(prepared: Prepared, intent: dict, cause: Exception) -> None:
    """Step 3 failed after the card was authorised: cancel the authorisation, give the stock back
    and move to a fresh idempotency key for the next attempt."""
    try:
        gateway.cancel(provider=prepared.provider, payment_intent_id=intent["id"],
                       idempotency_key=f"{prepared.cart_id}:void:{prepared.attempt}", reason="abandoned")
    except ServiceError:
        logger.exception("could not cancel authorisation %s of cart %s", intent["id"], prepared.cart_id)
    with transaction.atomic():
        inventory.release_holds(cart_id=prepared.cart_id)
        Cart.objects.filter(pk=prepared.cart_id, completed_at__isnull=True).update(
            payment_attempts=prepared.attempt + 1)
    logger.info("checkout of cart %s failed after authorisation (%s); authorisation cancelled",
                prepared.cart_id, type(cause).__name__)


# -- step 3 ----------------------------------------------------------------------------------------

def _place(prepared: Prepared, intent: dict | None) -> Completion:
    with transaction.atomic():
        cart = Cart.objects.select_for_update(of=("self",)).select_related("region", "customer").get(pk=prepared.cart_id)
        if cart.completed_at is not None:
            return Completion(Order.objects.get(cart=cart), False)
        lines = carts._lines(cart)
        if fingerprint(cart, lines) != prepared.version:
            raise Conflict("The cart changed while it was being completed; review it and complete it again.",
                           code="cart_changed")
        customer = cart.customer or customers.guest_for_email(cart.email)
        order, order_lines = _create_order(cart, customer, lines, paid_by_card=intent is not None)
        # The holds are checked again under lock (the expiry job may have taken them back) and
        # pass to the order; short stock now rolls the whole placement back.
        line_ids = {line.pk: order_line.pk for line, order_line in zip(lines, order_lines)}
        inventory.hold_for_order(cart.id, order.id, carts.stock_needs(lines), line_ids)
        applied = [(p["code"], Decimal(p["amount"])) for p in cart.applied_promotions
                   if p.get("applied") and Decimal(p["amount"]) > ZERO]
        promotions.record_usage(applied, order_id=order.id, email=order.email, customer_id=customer.id)
        _take_gift_cards(cart, order)
        payment = _record_payment(order, prepared, intent)
        plan = None
        if prepared.installments and payment is not None:
            plan = installment_plans.create_plan(order, provider=prepared.provider,
                                                 payment_method=prepared.payment_method, **prepared.installments)
        _issue_purchased_gift_cards(order, order_lines, customer)
        cart.completed_at = timezone.now()
        cart.customer = cart.customer or customer
        cart.save(update_fields=["completed_at", "customer", "updated_at"])
        PaymentSession.objects.filter(cart=cart).update(status=PaymentSessionStatus.AUTHORIZED,
                                                        reservation_expires_at=None)
        routing = marketplace.routing_of(order_lines, order.currency_code)
        events.emit(events.ORDER_PLACED, order.id, placed_payload(order, order_lines, payment, routing=routing,
                                                                  plan=plan))
        if routing["is_multi_vendor"]:
            events.emit(events.CART_COMPLETED, cart.id, {
                "cart_id": cart.id, "order_id": order.id, "customer_id": order.customer_id,
                "currency_code": order.currency_code, "total_amount": fmt(order.total, order.currency_code),
                "is_multi_vendor": True, "payment_intent_id": payment.payment_intent_id if payment else None,
                "gateway": payment.provider if payment else None, "items_by_vendor": routing["items_by_vendor"]})
    return Completion(order, True, order_lines)


def _next_display_id() -> int:
    """The tenant's next order number (its own sequence; numbers start above 1000)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{DISPLAY_ID_SEQUENCE}')")
        return DISPLAY_ID_OFFSET + cursor.fetchone()[0]


def order_metadata(cart: Cart, lines) -> dict:
    """The cart's own metadata plus the canonical CMS keys of its products (seeds 000 §3): those
    of the first product carrying them at the top level, every line's in `items` when the lines
    come from different CMS documents, and every POI in `cms_poi_ids`."""
    metadata = {k: v for k, v in (cart.metadata or {}).items() if not str(k).startswith("cms_")}
    tagged = []
    for line in lines:
        product_meta = line.variant.product.metadata or {}
        keys = {k: product_meta[k] for k in CMS_KEYS if k in product_meta}
        if keys:
            tagged.append((line, keys))
    if tagged:
        metadata.update(tagged[0][1])
        if len({tuple(sorted(keys.items())) for _, keys in tagged}) > 1:
            metadata["items"] = [{"line_item_id": line.pk, "product_id": line.variant.product_id, **keys}
                                 for line, keys in tagged]
        poi_ids = sorted({keys["cms_poi_id"] for _, keys in tagged if keys.get("cms_poi_id")})
        if poi_ids:
            metadata["cms_poi_ids"] = poi_ids
    return metadata


def _create_order(cart: Cart, customer, lines, *, paid_by_card: bool) -> tuple[Order, list[OrderLineItem]]:
    method = getattr(cart, "shipping_method", None)
    order = Order(
        display_id=_next_display_id(), cart=cart, customer=customer, email=cart.email or customer.email,
        region_id=cart.region_id, sales_channel_id=cart.sales_channel_id, currency_code=cart.currency_code,
        shipping_address=cart.shipping_address, billing_address=cart.billing_address or cart.shipping_address,
        shipping_option_id=method.option_id if method else None, shipping_method_name=method.name if method else "",
        promotion_codes=[p["code"] for p in cart.applied_promotions if p.get("applied")],
        applied_promotions=cart.applied_promotions, subtotal=cart.subtotal, discount_total=cart.discount_total,
        shipping_total=cart.shipping_total, tax_total=cart.tax_total, gift_card_total=cart.gift_card_total,
        total=cart.total, metadata=order_metadata(cart, lines),
        payment_status=PaymentStatus.AUTHORIZED if paid_by_card else PaymentStatus.NOT_REQUIRED,
    )
    try:
        with transaction.atomic():
            order.save(force_insert=True)
    except IntegrityError:
        raise Conflict("This cart has been completed concurrently.", code="cart_completed") from None
    order_lines = [OrderLineItem(
        order=order, variant_id=line.variant_id, product_id=line.variant.product_id,
        inventory_item_id=line.variant.inventory_item_id or "", title=line.title, variant_title=line.variant_title,
        sku=line.sku, thumbnail=line.thumbnail, is_giftcard=line.variant.product.is_giftcard, quantity=line.quantity,
        unit_price=line.unit_price, subtotal=line.subtotal, discount_total=line.discount_total, tax_rate=line.tax_rate,
        tax_total=line.tax_total, total=line.total,
        metadata={**(line.variant.product.metadata or {}), **(line.metadata or {})},
    ) for line in lines]
    return order, OrderLineItem.objects.bulk_create(order_lines)


def _take_gift_cards(cart: Cart, order: Order) -> None:
    remaining = order.gift_card_total
    for card in cart.gift_cards.order_by("pk"):
        if remaining <= ZERO:
            break
        take = min(card.balance, remaining)
        if take > ZERO:
            giftcards.redeem(card.pk, take, order_id=order.id, customer_id=order.customer_id)
            remaining -= take
    if remaining > ZERO:
        raise Conflict("A gift card's balance changed during checkout.", code="gift_card_insufficient_balance")


def _record_payment(order: Order, prepared: Prepared, intent: dict | None) -> Payment | None:
    if intent is None:
        return None
    payment = Payment.objects.create(order=order, provider=prepared.provider, payment_intent_id=intent["id"],
                                     currency_code=order.currency_code, amount=prepared.amount,
                                     status=PaymentState.AUTHORIZED, data=intent)
    PaymentAttempt.objects.create(cart_id=prepared.cart_id, provider=prepared.provider, amount=prepared.amount,
                                  currency_code=order.currency_code, succeeded=True, payment_intent_id=intent["id"])
    return payment


def _issue_purchased_gift_cards(order: Order, lines, customer) -> None:
    for line in lines:
        if not line.is_giftcard:
            continue
        for _ in range(line.quantity):
            giftcards.issue(amount=line.unit_price, currency_code=order.currency_code, customer=customer,
                            recipient_email=(line.metadata or {}).get("recipient_email", ""), order_id=order.id,
                            note=f"Bought with order #{order.display_id}")


def requires_identity_verification(lines) -> bool:
    """A line whose product asks for it (metadata `requires_identity_verification` or
    `age_restricted`) makes the order wait for the shopper's identity check."""
    return any((line.metadata or {}).get(key) for line in lines
               for key in ("requires_identity_verification", "age_restricted"))


def placed_payload(order: Order, lines, payment: Payment | None, *, routing: dict | None = None,
                   plan=None) -> dict:
    currency = order.currency_code
    routing = routing or {"vendor_ids": [], "is_multi_vendor": False, "escrow": False}
    return {
        "order_id": order.id, "display_id": order.display_id, "customer_id": order.customer_id, "email": order.email,
        "currency_code": currency,
        "totals": {name: fmt(getattr(order, name), currency) for name in (
            "subtotal", "discount_total", "shipping_total", "tax_total", "gift_card_total", "total")},
        "payment": {**payment_ref(payment), "amount": fmt(payment.amount if payment else ZERO, currency),
                    "status": payment.status if payment else order.payment_status},
        "items": [{
            "line_item_id": line.pk, "product_id": line.product_id, "variant_id": line.variant_id, "sku": line.sku,
            "title": line.title, "quantity": line.quantity, "unit_price": fmt(line.unit_price, currency),
            "subtotal": fmt(line.subtotal, currency), "discount_total": fmt(line.discount_total, currency),
            "tax_total": fmt(line.tax_total, currency), "total": fmt(line.total, currency), "metadata": line.metadata,
        } for line in lines],
        "shipping_address": order.shipping_address,
        "shipping_method": {"option_id": order.shipping_option_id, "name": order.shipping_method_name,
                            "amount": fmt(order.shipping_total, currency)},
        "promotion_codes": order.promotion_codes, "sales_channel_id": order.sales_channel_id,
        "region_id": order.region_id, "metadata": order.metadata,
        "placed_at": (order.created_at or timezone.now()).isoformat(),
        "vendor_ids": routing["vendor_ids"], "is_multi_vendor": routing["is_multi_vendor"],
        "escrow": routing["escrow"], "requires_identity_verification": requires_identity_verification(lines),
        "capture_method": "manual" if (order.metadata or {}).get("capture_method") == "manual" else "automatic",
        "installment_plan": installment_plans.plan_summary(plan) if plan is not None else None,
    }
