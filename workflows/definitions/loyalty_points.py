"""WF-013 LoyaltyPoints (seeds 003 §4.3.2): points for purchases, reviews and referrals.

Triggers `order.completed` (delivered and paid), `review.submitted`, `referral.converted`; id
`tenant:{t}:loyalty:{order, review or referral id}:points` — one credit per thing rewarded.

| # | Step | |
| - | ---- | - |
| 1 | calculate_points_earned — purchase: 1 point per currency unit paid (refunds excluded) × the tier's bonus, at most 10,000; review: 50 (100 when a verified purchase); referral: 200 | commerce |
| 2 | credit_points — the loyalty ledger (`loyalty.add_points`, keyed by the step: credited once) | commerce (wallet) |
| 3 | update_customer_tier — a threshold crossed raises the tier (audited) | commerce |
| 4 | notify_customer — `loyalty-points-earned` | content |

The rule can be changed with the `LOYALTY_POINTS_RULES` setting (keys of `DEFAULT_RULES`).
"""
from decimal import ROUND_DOWN, Decimal

from django.conf import settings

from cityos.errors import InvalidInput
from commerce.customers.models import Customer
from commerce.loyalty import services as loyalty
from commerce.orders.models import Order
from integrations import policies
from workflows.definition import Step, Workflow, register
from workflows.definitions.common import notify, orders, timing
from workflows.definitions.common.steps import record_audit

DEFAULT_RULES = {
    "points_per_currency_unit": "1",
    "tier_bonus": {"bronze": "1", "silver": "1.25", "gold": "1.5", "platinum": "2"},
    "max_points_per_transaction": 10_000,
    "review": 50, "verified_review": 100, "referral": 200,
}
TRIGGERS = {"order.completed": "purchase", "review.submitted": "review", "referral.converted": "referral"}


def rules() -> dict:
    return {**DEFAULT_RULES, **(getattr(settings, "LOYALTY_POINTS_RULES", None) or {})}


def _customer_id(ctx) -> str | None:
    return ctx.input.get("customer_id")


def calculate_points_earned(ctx):
    rule = rules()
    trigger = ctx.input["trigger_event"]
    customer_id = _customer_id(ctx)
    if not customer_id or not Customer.objects.filter(pk=customer_id, has_account=True).exists():
        ctx.complete({"points": 0, "reason": "guests do not collect points"})
    if trigger == "purchase":
        order = Order.objects.get(pk=ctx.input["order_id"])
        spent = max(order.paid_total - order.refunded_total, Decimal(0))
        tier = loyalty.balance(customer_id)["tier"]
        bonus = Decimal(str(rule["tier_bonus"].get(tier, "1")))
        points = int((spent * Decimal(str(rule["points_per_currency_unit"])) * bonus).to_integral_value(ROUND_DOWN))
        points = min(points, int(rule["max_points_per_transaction"]))
        basis = {"amount_spent": str(spent), "currency_code": order.currency_code, "tier": tier, "bonus": str(bonus)}
    elif trigger == "review":
        points = int(rule["verified_review"] if ctx.input.get("verified_purchase") else rule["review"])
        basis = {"verified_purchase": bool(ctx.input.get("verified_purchase"))}
    else:
        points = int(rule["referral"])
        basis = {}
    if points <= 0:
        ctx.complete({"points": 0, "reason": "nothing to reward"})
    return {"points": points, "trigger": trigger, "basis": basis}


def credit_points(ctx):
    before = loyalty.balance(_customer_id(ctx))
    earned = ctx.results["calculate_points_earned"]
    after = loyalty.add_points(_customer_id(ctx), earned["points"], reason=earned["trigger"],
                               reference=ctx.input.get("reference", ""), idempotency_key=ctx.idempotency_key)
    return {"points": earned["points"], "balance": after["balance"], "tier_before": before["tier"],
            "tier": after["tier"], "lifetime_points": after["lifetime_points"]}


def update_customer_tier(ctx):
    credited = ctx.results["credit_points"]
    changed = credited["tier"] != credited["tier_before"]
    if changed:
        record_audit(ctx, "loyalty.tier_changed", entity_type="customer", entity_id=_customer_id(ctx),
                     summary=f"tier {credited['tier_before']} → {credited['tier']}")
    return {"tier": credited["tier"], "tier_changed": changed}


def notify_customer(ctx):
    customer = Customer.objects.get(pk=_customer_id(ctx))
    credited = ctx.results["credit_points"]
    name = " ".join(part for part in (customer.first_name, customer.last_name) if part) or customer.email.split("@")[0]
    return notify.send("loyalty-points-earned", to=customer.email, context={
        "customer_name": name, "customer": {"name": name, "email": customer.email},
        "points": {"earned": credited["points"], "balance": credited["balance"], "tier": credited["tier"],
                   "reason": ctx.results["calculate_points_earned"]["trigger"]},
        "store": {"name": orders.store_name()}})


@register
class LoyaltyPoints(Workflow):
    type = "LoyaltyPoints"
    domain = "loyalty"
    action = "points"
    entity_field = "reference"
    description = "WF-013: points for purchases, reviews and referrals; tiers"
    steps = [
        Step("calculate_points_earned", calculate_points_earned),
        Step("credit_points", credit_points, description="creditPoints (loyalty wallet)"),
        Step("update_customer_tier", update_customer_tier),
        Step("notify_customer", notify_customer, system="content", policy=timing.policy(policies.CONTENT_NOTIFY),
             timeout=timing.timeout(30)),
    ]

    @classmethod
    def validate_input(cls, input: dict) -> dict:
        if input.get("trigger_event") not in TRIGGERS.values() or not input.get("reference"):
            raise InvalidInput("LoyaltyPoints needs a trigger_event (purchase, review, referral) and a reference.",
                               fields={"input.trigger_event": ["purchase, review or referral."]})
        if input["trigger_event"] == "purchase" and not input.get("order_id"):
            raise InvalidInput("A purchase names its order.", fields={"input.order_id": ["Required."]})
        return input

    @classmethod
    def input_from_event(cls, event) -> dict:
        payload = event.payload or {}
        trigger = TRIGGERS[event.event_type]
        customer = payload.get("customer_id") or payload.get("referrer_customer_id")
        return {"trigger_event": trigger, "customer_id": customer, "reference": event.aggregate_id,
                "order_id": payload.get("order_id"), "verified_purchase": payload.get("verified_purchase", False)}
