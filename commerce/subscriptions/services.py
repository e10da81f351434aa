"""Subscription plans and subscriptions: creating plans (subscription products), subscribing the
buyers of a placed order, reading and cancelling subscriptions, expiring ended ones.

Every change writes its event in the same transaction.
"""
import calendar
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound
from cityos.ids import ulid
from cityos.money import fmt, round_money
from commerce import events as catalog_events
from commerce.catalog import offers
from commerce.catalog.models import ProductStatus
from commerce.core.lookups import get_one
from commerce.subscriptions import events
from commerce.subscriptions.models import (
    LIVE_STATUSES, BillingInterval, Subscription, SubscriptionPlan, SubscriptionStatus,
)

PLAN_FIELDS = ("billing_interval", "interval_count", "validity_days", "trial_days", "max_subscribers")


# -- periods ---------------------------------------------------------------------------------------

def _add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def period_end(plan: SubscriptionPlan, start: datetime) -> datetime:
    """When a period of `plan` that begins at `start` ends."""
    count = plan.interval_count
    if plan.billing_interval == BillingInterval.NONE:
        return start + timedelta(days=plan.validity_days or 30)
    if plan.billing_interval == BillingInterval.DAY:
        return start + timedelta(days=count)
    if plan.billing_interval == BillingInterval.WEEK:
        return start + timedelta(weeks=count)
    months = {BillingInterval.MONTH: 1, BillingInterval.QUARTER: 3, BillingInterval.YEAR: 12}[plan.billing_interval]
    return _add_months(start, months * count)


# -- plans -----------------------------------------------------------------------------------------

def _clean_plan(data: dict, *, partial: bool) -> dict:
    cleaned, errors = {}, {}
    interval = data.get("billing_interval", None if partial else BillingInterval.MONTH)
    if interval is not None:
        if interval not in BillingInterval.values:
            errors["billing_interval"] = [f"One of {', '.join(BillingInterval.values)}."]
        cleaned["billing_interval"] = interval
    for name, low, high in (("interval_count", 1, 36), ("trial_days", 0, 365), ("validity_days", 1, 3660),
                            ("max_subscribers", 1, None)):
        if name not in data:
            continue
        value = data[name]
        if value is None and name in ("validity_days", "max_subscribers"):
            cleaned[name] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            errors[name] = [f"A whole number from {low}{f' to {high}' if high else ''}."]
        cleaned[name] = value
    if not partial:
        for name in ("title", "currency_code"):
            if not str(data.get(name) or "").strip():
                errors[name] = ["This field is required."]
    if "price" in data:
        try:
            price = Decimal(str(data["price"]))
            if not price.is_finite() or price < 0:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["price"] = ["A decimal amount of 0 or more."]
    if errors:
        raise InvalidInput("The subscription plan is not valid.", fields=errors)
    return cleaned


def plan_payload(plan: SubscriptionPlan) -> dict:
    product = plan.product
    variant = offers.offer_variant(product)
    price = variant.prices.first() if variant else None
    return {
        "plan_id": plan.id, "product_id": product.id, "variant_id": variant.id if variant else None,
        "cms_id": plan.cms_id, "title": plan.title, "billing_interval": plan.billing_interval,
        "interval_count": plan.interval_count, "validity_days": plan.validity_days, "trial_days": plan.trial_days,
        "max_subscribers": plan.max_subscribers,
        "price": fmt(price.amount, price.currency_code) if price else None,
        "currency_code": price.currency_code if price else None, "status": product.status,
        "metadata": plan.metadata,
    }


def _offer_data(data: dict) -> dict:
    """The product side of plan `data` (the keys of `offers.create_offer` / `update_offer`)."""
    offer = {k: data[k] for k in (*offers.PRODUCT_KEYS, "price", "currency_code") if k in data}
    if "max_subscribers" in data:
        offer["quantity"] = data["max_subscribers"]
    return offer


def get_plan(plan_id: str) -> SubscriptionPlan:
    plan = SubscriptionPlan.objects.select_related("product").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"No subscription plan {plan_id}.", code="subscription_plan_not_found")
    return plan


def plan_for_product(product_id: str) -> SubscriptionPlan | None:
    return SubscriptionPlan.objects.select_related("product").filter(product_id=product_id).first()


def find_plan_by_cms_id(cms_id: str) -> SubscriptionPlan | None:
    return SubscriptionPlan.objects.select_related("product").filter(cms_id=cms_id).first()


@transaction.atomic
def create_subscription_product(data: dict) -> SubscriptionPlan:
    """A product of kind `subscription` and its plan. `data`: title, description, price,
    currency_code, status (product status), billing_interval (day, week, month, quarter, year, or
    none for a fixed validity), interval_count, validity_days, trial_days, max_subscribers (the
    product's stock; empty: unlimited), metadata, cms_id (unique), handle, images."""
    cleaned = _clean_plan(data, partial=False)
    cms_id = data.get("cms_id") or None
    if cms_id and SubscriptionPlan.objects.filter(cms_id=cms_id).exists():
        raise Conflict(f"A subscription plan for {cms_id} exists already.", code="subscription_plan_exists",
                       fields={"cms_id": ["Already pushed; update that plan."]})
    offer = _offer_data({"status": ProductStatus.PUBLISHED, **data})
    offer["price"] = round_money(offer.get("price", "0"), data["currency_code"])
    product = offers.create_offer(offer, kind="subscription", sku=f"SUB-{ulid()}")
    plan = SubscriptionPlan.objects.create(product=product, cms_id=cms_id, title=data["title"].strip(),
                                           metadata=dict(data.get("metadata") or {}), **cleaned)
    offers.update_offer(product.id, {"metadata": {**plan.metadata, "subscription_plan_id": plan.id}})
    product.refresh_from_db()
    catalog_events.emit(events.PLAN_CREATED, plan.id, plan_payload(plan))
    return plan


@transaction.atomic
def update_subscription_product(plan_id: str, data: dict) -> SubscriptionPlan:
    """Change a plan's terms and its product (title, description, price, status, …); existing
    subscriptions keep the terms they were bought with until their period ends."""
    plan = SubscriptionPlan.objects.select_for_update().select_related("product").filter(pk=plan_id).first()
    if plan is None:
        raise NotFound(f"No subscription plan {plan_id}.", code="subscription_plan_not_found")
    cleaned = _clean_plan(data, partial=True)
    changes = [name for name, value in cleaned.items() if getattr(plan, name) != value]
    for name in changes:
        setattr(plan, name, cleaned[name])
    for name in ("title", "metadata"):
        if name in data and getattr(plan, name) != data[name]:
            setattr(plan, name, data[name])
            changes.append(name)
    offer = _offer_data(data)
    if "metadata" in offer:
        offer["metadata"] = {**offer["metadata"], "subscription_plan_id": plan.id}
    if "price" in offer:
        offer["price"] = round_money(offer["price"], offer.get("currency_code") or plan_payload(plan)["currency_code"])
    changes += offers.update_offer(plan.product_id, offer)
    if not changes:
        return plan
    plan.save()
    plan.refresh_from_db()
    plan.product.refresh_from_db()
    catalog_events.emit(events.PLAN_UPDATED, plan.id, {**plan_payload(plan), "changes": sorted(set(changes))})
    return plan


# -- subscriptions ---------------------------------------------------------------------------------

def subscription_payload(subscription: Subscription) -> dict:
    plan = subscription.plan
    return {
        "subscription_id": subscription.id, "plan_id": plan.id, "product_id": plan.product_id,
        "customer_id": subscription.customer_id, "email": subscription.email, "order_id": subscription.order_id,
        "line_item_id": subscription.line_item_id, "quantity": subscription.quantity, "status": subscription.status,
        "billing_interval": plan.billing_interval, "interval_count": plan.interval_count,
        "unit_price": fmt(subscription.unit_price, subscription.currency_code),
        "currency_code": subscription.currency_code, "started_at": subscription.started_at.isoformat(),
        "trial_ends_at": subscription.trial_ends_at.isoformat() if subscription.trial_ends_at else None,
        "current_period_start": subscription.current_period_start.isoformat(),
        "current_period_end": subscription.current_period_end.isoformat(), "renews": plan.renews,
        "cancel_at_period_end": subscription.cancel_at_period_end, "metadata": subscription.metadata,
    }


def get_subscription(subscription_id: str, *, lock: bool = False) -> Subscription:
    return get_one(Subscription.objects.select_related("plan"), subscription_id, lock=lock, what="subscription", code="subscription_not_found")


def list_subscriptions(*, status: str | None = None, plan_id: str | None = None, customer_id: str | None = None,
                       email: str | None = None, order_id: str | None = None):
    queryset = Subscription.objects.select_related("plan")
    if status:
        queryset = queryset.filter(status=status)
    if plan_id:
        queryset = queryset.filter(plan_id=plan_id)
    if customer_id:
        queryset = queryset.filter(customer_id=customer_id)
    if email:
        queryset = queryset.filter(email=email.strip().lower())
    if order_id:
        queryset = queryset.filter(order_id=order_id)
    return queryset.order_by("-created_at")


@transaction.atomic
def subscribe_for_order(order_id: str) -> list[Subscription]:
    """Create the subscriptions a placed order bought: one per line of a subscription product
    (trialing when the plan has a trial). Idempotent per order line."""
    from commerce.orders.models import OrderStatus
    from commerce.orders.services import get_order

    order = get_order(order_id)
    if order.status == OrderStatus.CANCELED:
        return []
    lines = list(order.items.all())
    plans = {p.product_id: p for p in SubscriptionPlan.objects.filter(product_id__in=[li.product_id for li in lines])}
    started = order.created_at or timezone.now()
    created = []
    for line in lines:
        plan = plans.get(line.product_id)
        if plan is None:
            continue
        trial_end = started + timedelta(days=plan.trial_days) if plan.trial_days else None
        subscription, made = Subscription.objects.get_or_create(
            order_id=order.id, line_item_id=line.id,
            defaults={"plan": plan, "customer_id": order.customer_id, "email": order.email, "quantity": line.quantity,
                      "unit_price": line.unit_price, "currency_code": order.currency_code,
                      "status": SubscriptionStatus.TRIALING if trial_end else SubscriptionStatus.ACTIVE,
                      "started_at": started, "trial_ends_at": trial_end,
                      "current_period_start": started, "current_period_end": trial_end or period_end(plan, started),
                      "metadata": {k: v for k, v in plan.metadata.items() if k.startswith("cms_")}})
        if made:
            catalog_events.emit(events.SUBSCRIPTION_CREATED, subscription.id, subscription_payload(subscription))
            created.append(subscription)
    return created


@transaction.atomic
def cancel_subscription(subscription_id: str, *, at_period_end: bool = False, reason: str = "") -> Subscription:
    """Cancel now (status `cancelled`), or at the end of the paid period (`at_period_end`: it stays
    live until then and does not renew). Cancelling a cancelled or expired subscription changes nothing."""
    subscription = get_subscription(subscription_id, lock=True)
    if subscription.status not in LIVE_STATUSES:
        return subscription
    now = timezone.now()
    subscription.cancel_reason = reason[:300]
    if at_period_end:
        if subscription.cancel_at_period_end:
            return subscription
        subscription.cancel_at_period_end = True
    else:
        subscription.status = SubscriptionStatus.CANCELLED
        subscription.ended_at = now
    subscription.cancelled_at = now
    subscription.save()
    catalog_events.emit(events.SUBSCRIPTION_CANCELLED, subscription.id,
                        {**subscription_payload(subscription), "cancelled_at": now.isoformat(), "reason": reason})
    return subscription


@transaction.atomic
def cancel_for_order(order_id: str, *, reason: str = "order cancelled") -> list[Subscription]:
    cancelled = []
    for subscription_id in (Subscription.objects.filter(order_id=order_id, status__in=LIVE_STATUSES)
                            .order_by("pk").values_list("pk", flat=True)):
        cancelled.append(cancel_subscription(subscription_id, reason=reason))
    return cancelled


def expire_due(*, now: datetime | None = None, batch: int = 500) -> int:
    """End the subscriptions whose period is over and that do not go on: plans that do not renew,
    and subscriptions cancelled at period end. (Renewals are the SubscriptionLifecycle workflow's.)"""
    now = now or timezone.now()
    done = 0
    while True:
        with transaction.atomic():
            due = list(Subscription.objects.select_for_update(skip_locked=True, of=("self",)).select_related("plan")
                       .filter(Q(plan__billing_interval=BillingInterval.NONE) | Q(cancel_at_period_end=True),
                               status__in=LIVE_STATUSES, current_period_end__lte=now)
                       .order_by("pk")[:batch])
            for subscription in due:
                subscription.status = (SubscriptionStatus.CANCELLED if subscription.cancel_at_period_end
                                       else SubscriptionStatus.EXPIRED)
                subscription.ended_at = now
                subscription.save()
                catalog_events.emit(events.SUBSCRIPTION_EXPIRED, subscription.id,
                                    {**subscription_payload(subscription), "ended_at": now.isoformat()})
            done += len(due)
        if len(due) < batch:
            return done
