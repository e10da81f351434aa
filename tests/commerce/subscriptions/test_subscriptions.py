"""Subscriptions: plans are subscription products, buying one through the checkout subscribes
the buyer (through the ProductPurchase workflow), get / cancel, expiry, the admin API and admin."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from cityos.errors import InvalidInput, NotFound
from commerce.subscriptions import services
from commerce.subscriptions.models import Subscription
from tests.commerce.conftest import VISA
from workflows import engine, relay
from workflows.models import EventOutbox, WorkflowRun

D = Decimal


def plan(**fields):
    return services.create_subscription_product({
        "title": "Family care plan", "price": "299", "currency_code": "SAR", "billing_interval": "month",
        "trial_days": 0, "metadata": {"cms_poi_id": "poi_clinic", "cms_domain": "commerce"}, **fields})


def subscribe(store, plan_, quantity=1, email="member@example.com"):
    variant = plan_.product.variants.get()
    cart = store.post("/store/carts", {"email": email, "items": [{"variant_id": variant.pk, "quantity": quantity}]})
    cart_id = cart.json()["id"]
    store.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"})
    placed = store.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA, "provider": "sandbox"})
    assert placed.status_code == 201, placed.json()
    return placed.json()["order"]["id"]


def run_purchases(store, tenant) -> list:
    """Relay the outbox and drive the purchase workflows it started (as a worker would)."""
    relay.process_outbox(tenant_schema=tenant.schema_name)
    runs = list(WorkflowRun.objects.filter(workflow_type__in=["ProductPurchase", "ProductPurchaseCancellation"],
                                           status="pending"))
    for run in runs:
        engine.advance(run.workflow_id)
    store.use()
    return [WorkflowRun.objects.get(pk=run.pk) for run in runs]


def test_a_plan_is_a_subscription_product(store_a):
    created = plan(max_subscribers=40, trial_days=14)
    product = created.product
    assert (product.kind, product.status, product.title) == ("subscription", "published", "Family care plan")
    assert product.metadata == {"cms_poi_id": "poi_clinic", "cms_domain": "commerce", "subscription_plan_id": created.pk}
    assert product.variants.get().prices.get().amount == D("299.00")
    assert product.variants.get().manage_inventory is True  # 40 subscribers at most
    assert EventOutbox.objects.filter(event_type="subscription_plan.created", aggregate_id=created.pk).count() == 1


def test_buying_a_plan_subscribes_the_buyer_through_the_purchase_workflow(store_a, tenant_a):
    created = plan()
    order_id = subscribe(store_a, created)
    runs = run_purchases(store_a, tenant_a)
    assert [(run.workflow_type, run.status) for run in runs] == [("ProductPurchase", "completed")]
    subscription = Subscription.objects.get(order_id=order_id)
    assert (subscription.status, subscription.quantity, subscription.unit_price) == ("active", 1, D("299.0000"))
    assert subscription.current_period_end == services.period_end(created, subscription.started_at)
    assert subscription.metadata == {"cms_poi_id": "poi_clinic", "cms_domain": "commerce"}
    assert EventOutbox.objects.filter(event_type="subscription.created", aggregate_id=subscription.pk).count() == 1
    assert services.subscribe_for_order(order_id) == []  # once per order line


def test_orders_without_subscriptions_or_bookings_start_no_purchase_run(store_a, tenant_a):
    product = store_a.product(price="20.00", kind="digital")
    cart = store_a.post("/store/carts", {"email": "x@example.com",
                                         "items": [{"variant_id": store_a.variant(product).pk, "quantity": 1}]})
    cart_id = cart.json()["id"]
    store_a.post(f"/store/carts/{cart_id}/payment-sessions", {"provider": "sandbox"})
    assert store_a.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA}).status_code == 201
    assert run_purchases(store_a, tenant_a) == []


def test_a_trial_comes_first(store_a, tenant_a):
    order_id = subscribe(store_a, plan(trial_days=14))
    services.subscribe_for_order(order_id)
    subscription = Subscription.objects.get(order_id=order_id)
    assert subscription.status == "trialing"
    assert subscription.trial_ends_at - subscription.started_at == timedelta(days=14)
    assert subscription.current_period_end == subscription.trial_ends_at


@pytest.mark.parametrize("interval, count, expected", [
    ("day", 3, timedelta(days=3)), ("week", 2, timedelta(weeks=2)), ("none", 1, timedelta(days=7))])
def test_period_lengths(store_a, interval, count, expected):
    created = plan(billing_interval=interval, interval_count=count, validity_days=7)
    start = timezone.now()
    assert services.period_end(created, start) - start == expected


def test_calendar_intervals_keep_the_day_of_month(store_a):
    from datetime import datetime, UTC

    monthly, quarterly = plan(), plan(title="Quarterly", billing_interval="quarter")
    assert services.period_end(monthly, datetime(2026, 1, 31, tzinfo=UTC)) == datetime(2026, 2, 28, tzinfo=UTC)
    assert services.period_end(quarterly, datetime(2026, 11, 30, tzinfo=UTC)) == datetime(2027, 2, 28, tzinfo=UTC)


def test_get_and_cancel_now_or_at_period_end(store_a):
    order_id = subscribe(store_a, plan())
    [subscription] = services.subscribe_for_order(order_id)
    later = services.cancel_subscription(subscription.pk, at_period_end=True, reason="Moving away")
    assert later.status == "active" and later.cancel_at_period_end
    now = services.cancel_subscription(subscription.pk, reason="Moving away")
    assert now.status == "cancelled" and now.ended_at is not None
    assert services.cancel_subscription(subscription.pk).status == "cancelled"  # again: unchanged
    assert EventOutbox.objects.filter(event_type="subscription.cancelled", aggregate_id=subscription.pk).count() == 2
    with pytest.raises(NotFound):
        services.get_subscription("sub_missing")


def test_ended_subscriptions_expire(store_a):
    passes = plan(title="Weekly pass", billing_interval="none", validity_days=7)
    monthly = plan()
    [fixed] = services.subscribe_for_order(subscribe(store_a, passes))
    [renewing] = services.subscribe_for_order(subscribe(store_a, monthly, email="m2@example.com"))
    [leaving] = services.subscribe_for_order(subscribe(store_a, monthly, email="m3@example.com"))
    services.cancel_subscription(leaving.pk, at_period_end=True)
    assert services.expire_due(now=timezone.now() + timedelta(days=40)) == 2
    statuses = dict(Subscription.objects.values_list("pk", "status"))
    assert (statuses[fixed.pk], statuses[renewing.pk], statuses[leaving.pk]) == ("expired", "active", "cancelled")


def test_a_cancelled_order_cancels_its_subscriptions_through_the_workflow(store_a, tenant_a):
    from commerce.orders.services import cancel_order

    order_id = subscribe(store_a, plan())
    run_purchases(store_a, tenant_a)
    cancel_order(order_id, reason="mistake")
    runs = run_purchases(store_a, tenant_a)
    assert [(run.workflow_type, run.status) for run in runs] == [("ProductPurchaseCancellation", "completed")]
    assert Subscription.objects.get(order_id=order_id).status == "cancelled"


def test_updating_a_plan_changes_its_product_and_only_when_something_changed(store_a):
    created = plan()
    services.update_subscription_product(created.pk, {"price": "349", "billing_interval": "year", "title": "Yearly"})
    created.refresh_from_db()
    assert created.billing_interval == "year" and created.product.title == "Yearly"
    assert created.product.variants.get().prices.get().amount == D("349.00")
    events = EventOutbox.objects.filter(event_type="subscription_plan.updated", aggregate_id=created.pk)
    assert events.count() == 1
    services.update_subscription_product(created.pk, {"price": "349", "billing_interval": "year"})
    assert events.count() == 1


def test_bad_plans_are_refused(store_a):
    with pytest.raises(InvalidInput) as bad:
        services.create_subscription_product({"title": "", "price": "x", "billing_interval": "fortnight",
                                              "interval_count": 0, "currency_code": ""})
    assert {"title", "price", "billing_interval", "interval_count", "currency_code"} <= set(bad.value.fields)


def test_the_admin_api(store_a, client_a, admin_token_headers):
    created = client_a.post("/admin/api/subscription-plans", {
        "title": "Gym membership", "price": "150", "currency_code": "SAR", "billing_interval": "month",
        "trial_days": 7}, format="json", **admin_token_headers)
    assert created.status_code == 201, created.json()
    assert (created.json()["price"], created.json()["status"]) == ("150.00", "published")
    store_a.use()
    from commerce.subscriptions.models import SubscriptionPlan

    order_id = subscribe(store_a, SubscriptionPlan.objects.get(pk=created.json()["id"]))
    [subscription] = services.subscribe_for_order(order_id)
    listed = client_a.get("/admin/api/subscriptions", {"status": "trialing"}, **admin_token_headers).json()
    assert [row["id"] for row in listed["results"]] == [subscription.pk]
    one = client_a.get(f"/admin/api/subscriptions/{subscription.pk}", **admin_token_headers)
    assert one.json()["plan_title"] == "Gym membership"
    cancelled = client_a.delete(f"/admin/api/subscriptions/{subscription.pk}?at_period_end=true",
                                **admin_token_headers)
    assert cancelled.status_code == 200 and cancelled.json()["cancel_at_period_end"] is True
    patched = client_a.patch(f"/admin/api/subscription-plans/{created.json()['id']}", {"price": "175"},
                             format="json", **admin_token_headers)
    assert patched.json()["price"] == "175.00"
    assert client_a.get("/admin/api/subscriptions").status_code == 401


def test_plans_are_added_in_the_django_admin(store_a, client_a):
    from django.contrib.auth import get_user_model

    from commerce.subscriptions.models import SubscriptionPlan

    admin = get_user_model().objects.create_superuser("plans-admin", "plans@example.com", "not-used-pw-123")
    client_a.force_login(admin)
    response = client_a.post("/django-admin/subscriptions/subscriptionplan/add/", {
        "title": "Parking monthly", "billing_interval": "month", "interval_count": 1, "validity_days": "",
        "trial_days": 0, "max_subscribers": "", "description": "A bay near your home", "price": "120",
        "currency_code": "SAR", "status": "published"})
    assert response.status_code == 302, response.content[:3000]
    connection.set_tenant(store_a.tenant)
    created = SubscriptionPlan.objects.get(title="Parking monthly")
    assert created.product.kind == "subscription" and created.product.description == "A bay near your home"
