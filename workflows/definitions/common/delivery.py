"""Fleetbase deliveries of orders: creating one (with a quote, so an address no rate covers fails
fast with `DeliveryZoneUnavailableError`), recording it on the order, cancelling it."""
from commerce.inventory.models import StockLocation
from commerce.orders import services as orders
from integrations import errors, registry
from workflows.definitions.common import places

TERMINAL = {"completed", "canceled", "failed"}


def adapter():
    return registry.get("fleetbase")


def packages(lines, currency: str) -> list[dict]:
    return [{"name": line.title, "sku": line.sku, "quantity": line.quantity, "price": line.unit_price,
             "currency": currency} for line in lines]


def create(order, *, idempotency_key: str, lines=None, vendor=None, vendor_order_id: str = "") -> dict:
    """A delivery of `lines` (default: every line) from the vendor (or the default stock location)
    to the order's shipping address, recorded in `order.external_refs["fleetbase"]`."""
    fleetbase = adapter()
    location = None if vendor is not None else StockLocation.objects.filter(is_default=True).first()
    pickup = places.pickup_for(vendor, location)
    dropoff = places.dropoff_for(order)
    quote = fleetbase.get_service_quote(pickup=pickup, dropoff=dropoff, currency=order.currency_code)
    lines = list(lines if lines is not None else order.items.all())
    meta = {"order_id": order.id, "display_id": order.display_id}
    if vendor_order_id:
        meta["vendor_order_id"] = vendor_order_id
    created = fleetbase.create_delivery_order(
        pickup=pickup, dropoff=dropoff, packages=packages(lines, order.currency_code), idempotency_key=idempotency_key,
        service_quote=quote["id"], pod_required=True, pod_method="photo", meta=meta,
        notes=f"Order #{order.display_id}")
    tracking = created.get("tracking_number")
    tracking = tracking.get("tracking_number") if isinstance(tracking, dict) else (tracking or "")
    delivery = {"delivery_order_id": created["id"], "tracking_number": tracking, "status": created.get("status"),
                "quote": str(quote["amount"]), "quote_currency": quote["currency"], "vendor_order_id": vendor_order_id}
    orders.record_external_refs(order.id, "fleetbase", {"deliveries": [created["id"]],
                                                        "tracking": {created["id"]: tracking}})
    return delivery


def cancel(delivery_order_id: str, *, idempotency_key: str) -> dict:
    """Cancel a delivery that has not ended; an ended one is left as it is (and said so)."""
    fleetbase = adapter()
    current = fleetbase.get_order(delivery_order_id)
    if current.get("status") in TERMINAL:
        return {"delivery_order_id": delivery_order_id, "status": current.get("status"), "canceled": False}
    try:
        fleetbase.cancel_order(delivery_order_id, idempotency_key=idempotency_key)
    except errors.InvalidArgumentError:
        current = fleetbase.get_order(delivery_order_id)
        if current.get("status") not in TERMINAL:
            raise
        return {"delivery_order_id": delivery_order_id, "status": current.get("status"), "canceled": False}
    return {"delivery_order_id": delivery_order_id, "status": "canceled", "canceled": True}


def deliveries_of(order) -> list[str]:
    return list(((order.external_refs or {}).get("fleetbase") or {}).get("deliveries") or [])
