"""WF-008 OrderReviewReminder (seeds 003 §4.3.1): ask for reviews after a delivery.

Trigger `delivery.completed` (written by OrderFulfillment); id
`tenant:{t}:order:{order_id}:review-reminder` — one per order, however many deliveries it had.

| # | Step | |
| - | ---- | - |
| 1 | wait_for_review_window | timer `review_first_reminder` (3 days) |
| 2 | check_if_already_reviewed — every product reviewed: the run ends | commerce |
| 3 | send_review_reminder — `review-reminder`, naming the products without a review | content |
| 4 | wait_for_second_window | timer `review_final_reminder` (7 days) |
| 5 | send_final_reminder — `review-final-reminder`, if some are still not reviewed | content |
"""
from commerce.orders.models import Order
from commerce.reviews.models import Review
from integrations import policies
from workflows.definition import Step, register, sleep
from workflows.definitions.common import notify, orders, timing


def _order_id(ctx) -> str:
    return ctx.input["order_id"]


def _unreviewed(ctx) -> list[dict]:
    order = Order.objects.filter(pk=_order_id(ctx)).prefetch_related("items").first()
    if order is None or order.customer_id is None:
        return []
    reviewed = set(Review.objects.filter(customer_id=order.customer_id,
                                         product_id__in=[line.product_id for line in order.items.all()])
                   .values_list("product_id", flat=True))
    products = {}
    for line in order.items.all():
        if line.product_id not in reviewed and not line.is_giftcard:
            products.setdefault(line.product_id, {"product_id": line.product_id, "title": line.title})
    return list(products.values())


def check_if_already_reviewed(ctx):
    missing = _unreviewed(ctx)
    if not missing:
        ctx.complete({"reminders_sent": 0, "reason": "every product is reviewed"})
    return {"unreviewed": missing}


def _remind(ctx, key: str):
    missing = _unreviewed(ctx)
    if not missing:
        return {"sent": False, "skipped": "every product is reviewed"}
    order = orders.load(_order_id(ctx))
    return notify.send(key, to=order.email, context=orders.context(
        order, review={"products": ", ".join(product["title"] for product in missing), "count": len(missing)}))


def send_review_reminder(ctx):
    return _remind(ctx, "review-reminder")


def send_final_reminder(ctx):
    return _remind(ctx, "review-final-reminder")


NOTIFY = timing.policy(policies.CONTENT_NOTIFY)


@register
class OrderReviewReminder(orders.NeedsOrder):
    type = "OrderReviewReminder"
    domain = "order"
    action = "review-reminder"
    entity_field = "order_id"
    description = "WF-008: review reminders 3 and 7 days after delivery"
    steps = [
        sleep("wait_for_review_window", seconds=lambda ctx: timing.seconds("review_first_reminder")),
        Step("check_if_already_reviewed", check_if_already_reviewed),
        Step("send_review_reminder", send_review_reminder, system="content", policy=NOTIFY, timeout=timing.timeout(30)),
        sleep("wait_for_second_window", seconds=lambda ctx: timing.seconds("review_final_reminder")),
        Step("send_final_reminder", send_final_reminder, system="content", policy=NOTIFY, timeout=timing.timeout(30)),
    ]


    @classmethod
    def key_from_event(cls, event) -> tuple[str, str]:
        return cls.domain, (event.payload or {}).get("order_id") or event.aggregate_id
