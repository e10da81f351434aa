"""Reading an order for a workflow step, the context its notifications are rendered with, and the
base classes of the workflows about one order."""
from django.db import connection

from cityos.errors import InvalidInput, NotFound
from cityos.money import fmt
from commerce.orders.models import Order
from workflows.definition import Workflow


def load(order_id: str) -> Order:
    order = Order.objects.select_related("customer").prefetch_related("items").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"No order {order_id}.", code="order_not_found")
    return order


def customer_name(order: Order) -> str:
    address = order.shipping_address or {}
    for first, last in ((address.get("first_name"), address.get("last_name")),
                        (getattr(order.customer, "first_name", ""), getattr(order.customer, "last_name", ""))):
        name = " ".join(part for part in (first, last) if part)
        if name:
            return name
    return order.email.split("@")[0]


def store_name() -> str:
    tenant = getattr(connection, "tenant", None)
    return getattr(tenant, "name", "") or connection.schema_name


def context(order: Order, **extra) -> dict:
    """Everything an order notification may use: `customer_name`, `customer.*`, `order.*`,
    `store.name`, plus `extra`."""
    currency = order.currency_code
    lines = list(order.items.all())
    name = customer_name(order)
    return {
        "customer_name": name,
        "customer": {"name": name, "email": order.email,
                     "first_name": getattr(order.customer, "first_name", "") or name.split(" ")[0]},
        "order": {
            "id": order.id, "number": f"#{order.display_id}", "display_id": order.display_id,
            "total": f"{fmt(order.total, currency)} {currency}", "subtotal": fmt(order.subtotal, currency),
            "shipping": fmt(order.shipping_total, currency), "tax": fmt(order.tax_total, currency),
            "discount": fmt(order.discount_total, currency), "currency": currency, "email": order.email,
            "items_count": sum(line.quantity for line in lines),
            "items": ", ".join(f"{line.quantity} × {line.title}" for line in lines),
            "refunded": f"{fmt(order.refunded_total, currency)} {currency}",
        },
        "store": {"name": store_name()},
        **extra,
    }


def money(order: Order, amount) -> str:
    return f"{fmt(amount, order.currency_code)} {order.currency_code}"


class NeedsOrder(Workflow):
    """A workflow about one order: a run started by type must name it (`input.order_id`)."""

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if not input.get("order_id"):
            raise InvalidInput(f"{cls.type} needs the order.", fields={"input.order_id": ["This field is required."]})
        return input


class KeyedByOrder(NeedsOrder):
    """…and a run started by an event is keyed by the order the event's payload names."""

    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        order_id = (event.payload or {}).get("order_id")
        if not order_id:
            raise ValueError(f"{event.event_type} without an order_id")
        return cls.domain, order_id
