"""Pattern A end to end: a record's outbox events start CMSCommercePush runs (relayed and driven
inline, as a worker would), which upsert the record's commerce entity with the canonical
metadata — one per record, updated by re-publishing, archived or cancelled when withdrawn."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commerce.bookings.models import Booking
from commerce.catalog.models import Product
from commerce.subscriptions.models import SubscriptionPlan
from content import services
from content.metadata import CANONICAL_KEYS
from content.models import COLLECTIONS
from tests.content.conftest import run_workflows
from workflows.models import RunStatus

pytestmark = pytest.mark.django_db

PUSH = "CMSCommercePush"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
ENTITY = {"booking": Booking, "subscription_product": SubscriptionPlan, "product": Product}


def entities(record):
    """The commerce entities pushed for a record (there must be one)."""
    model = ENTITY[record.commerce_entity]
    if model is Product:
        return list(Product.objects.filter(metadata__cms_id=record.cms_id))
    return list(model.objects.filter(cms_id=record.cms_id))


def product_of(entity) -> Product:
    return entity if isinstance(entity, Product) else entity.product


def push(tenant):
    runs = run_workflows(tenant, PUSH)
    assert runs and all(run.status == RunStatus.COMPLETED for run in runs), [(r.workflow_id, r.error) for r in runs]
    return runs


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_publishing_a_record_creates_one_commerce_entity_with_the_canonical_metadata(alpha, make_record, collection):
    record = make_record(collection, publish=True)
    runs = push(alpha)
    assert {run.input["event_type"] for run in runs} == {"content.record.created", "content.record.published"}

    found = entities(record)
    assert len(found) == 1
    entity = found[0]
    metadata = entity.metadata
    assert set(CANONICAL_KEYS) <= set(metadata)
    expected = record.canonical_metadata("alpha", timezone.now())
    assert {k: metadata[k] for k in CANONICAL_KEYS if k != "cms_synced_at"} == {
        k: expected[k] for k in CANONICAL_KEYS if k != "cms_synced_at"}
    assert metadata["cms_poi_id"] == record.poi_id and metadata["cms_tenant_id"] == "alpha"
    assert metadata["cms_collection"] == collection and metadata["cms_id"] == record.cms_id
    assert TIMESTAMP.match(metadata["cms_synced_at"])

    product = product_of(entity)
    assert product.status == "published"
    assert {k: product.metadata[k] for k in CANONICAL_KEYS} == {k: metadata[k] for k in CANONICAL_KEYS}
    variant = product.variants.get()
    assert variant.prices.get(currency_code=record.currency).amount == record.price
    record.refresh_from_db()
    linked = entity.product_id if isinstance(entity, SubscriptionPlan) else entity.pk  # the subscription product
    assert record.commerce_id == linked and record.commerce_synced_at is not None


@pytest.mark.parametrize("collection", sorted(COLLECTIONS))
def test_republishing_updates_the_same_entity_and_unpublishing_withdraws_it(alpha, make_record, collection):
    record = make_record(collection, publish=True)
    push(alpha)
    [entity] = entities(record)

    services.update_record(record, title="Renamed in the CMS", price=Decimal("99.90"))  # a live record: re-published
    push(alpha)
    [again] = entities(record)
    assert again.pk == entity.pk
    product = product_of(again)
    assert product.title == "Renamed in the CMS"
    assert product.metadata["cms_title"] == "Renamed in the CMS"
    assert product.variants.get().prices.get().amount == Decimal("99.90")

    services.unpublish_record(record)
    push(alpha)
    [withdrawn] = entities(record)
    if isinstance(withdrawn, Booking):
        assert withdrawn.status == "cancelled" and withdrawn.product.status == "archived"
    else:
        assert product_of(withdrawn).status == "archived"

    services.publish_record(record)  # back on sale: the same entity again
    push(alpha)
    [back] = entities(record)
    assert back.pk == entity.pk
    assert product_of(back).status == "published"
    if isinstance(back, Booking):
        assert back.status == "open"


@pytest.mark.parametrize("collection", ["events", "healthcare-appointments", "service-plans"])
def test_deleting_a_record_archives_its_product_or_cancels_its_booking(alpha, make_record, collection):
    record = make_record(collection, publish=True)
    push(alpha)
    [entity] = entities(record)
    services.delete_record(record)
    push(alpha)
    entity.refresh_from_db()
    if isinstance(entity, Booking):
        assert entity.status == "cancelled" and entity.cancel_reason == "Deleted in the CMS."
    assert product_of(entity).status == "archived"


def test_a_draft_record_is_a_draft_product_until_it_is_published(alpha, make_record):
    record = make_record("market-listings")
    push(alpha)
    [product] = entities(record)
    assert product.status == "draft"
    assert product.kind == "physical"
    services.publish_record(record)
    push(alpha)
    product.refresh_from_db()
    assert product.status == "published"


def test_the_stock_follows_the_record_quantity(alpha, make_record):
    from commerce.inventory.services import available_quantities

    record = make_record("events", publish=True, capacity=150)
    push(alpha)
    [product] = entities(record)
    variant = product.variants.get()
    assert available_quantities([variant.inventory_item_id]) == {variant.inventory_item_id: 150}
    services.update_record(record, capacity=90)
    push(alpha)
    assert available_quantities([variant.inventory_item_id]) == {variant.inventory_item_id: 90}


def test_a_booking_slot_carries_the_appointment(alpha, make_record):
    record = make_record("healthcare-appointments", publish=True, capacity=3, duration_minutes=45)
    push(alpha)
    [booking] = entities(record)
    assert (booking.provider_name, booking.service, booking.capacity, booking.duration_minutes) == (
        "Dr. Sara Ali", "Dermatology", 3, 45)
    assert booking.starts_at == record.starts_at and booking.ends_at == record.starts_at + timedelta(minutes=45)
    assert booking.product.kind == "booking"
    assert booking.product.metadata["booking_id"] == booking.pk


def test_plans_and_passes_are_subscription_products(alpha, make_record):
    plan_record = make_record("service-plans", publish=True, billing_interval="quarter", trial_days=7)
    one_off = make_record("service-plans", publish=True, slug="one-off", billing_interval="one_time")
    weekly = make_record("transit-passes", publish=True, billing_interval="none", validity_days=7)
    push(alpha)
    [plan] = entities(plan_record)
    assert (plan.billing_interval, plan.trial_days, plan.product.kind) == ("quarter", 7, "subscription")
    assert entities(one_off)[0].billing_interval == "none"
    [pass_plan] = entities(weekly)
    assert (pass_plan.billing_interval, pass_plan.validity_days) == ("none", 7)


@pytest.mark.parametrize("collection", ["course-enrollments", "job-listings"])
def test_free_courses_and_listings_are_not_sold(alpha, make_record, collection):
    record = make_record(collection, publish=True, price=Decimal("0"))
    push(alpha)
    assert entities(record) == []
    services.update_record(record, price=Decimal("35"))  # now paid: pushed
    push(alpha)
    [product] = entities(record)
    assert product.status == "published"
    services.update_record(record, price=Decimal("0"))  # free again: off sale
    push(alpha)
    product.refresh_from_db()
    assert product.status == "archived"


def test_runs_executed_out_of_order_converge_on_the_latest_state(alpha, make_record):
    from django.db import connection

    from workflows import engine, relay
    from workflows.models import WorkflowRun

    record = make_record("events", publish=True)
    push(alpha)
    services.update_record(record, title="Second title")  # re-published …
    services.unpublish_record(record)  # … then taken off sale
    relay.process_outbox(tenant_schema=alpha.schema_name)
    runs = {run.input["event_type"]: run for run in WorkflowRun.objects.filter(
        workflow_type=PUSH, input__cms_id=record.cms_id, status="pending")}
    assert sorted(runs) == ["content.record.published", "content.record.unpublished"]
    for event_type in ("content.record.unpublished", "content.record.published"):  # newest first
        engine.advance(runs[event_type].workflow_id)
    connection.set_tenant(alpha)
    [product] = entities(record)
    assert product.status == "archived"  # a push replaying the older event's payload would re-publish it
    assert product.title == "Second title"


@pytest.mark.parametrize("collection", ["rentals", "healthcare-appointments", "transit-passes"])
def test_pushing_an_unchanged_record_again_writes_nothing(alpha, make_record, collection):
    from content.push import push_record
    from workflows.models import EventOutbox

    record = make_record(collection, publish=True)
    push(alpha)
    [entity] = entities(record)
    events_before = EventOutbox.objects.count()
    updated_before = product_of(entity).updated_at
    result = push_record(collection, record.cms_id)
    record.refresh_from_db()
    assert result["action"] == "updated" and result["commerce_id"] == record.commerce_id
    assert EventOutbox.objects.count() == events_before  # no product.updated, no booking_slot.updated
    assert product_of(entity).__class__.objects.get(pk=product_of(entity).pk).updated_at == updated_before
    assert len(entities(record)) == 1


def test_a_push_of_an_unknown_collection_is_refused_by_the_workflow(alpha):
    from cityos.errors import InvalidInput
    from workflows.definition import get

    with pytest.raises(InvalidInput) as caught:
        get(PUSH).validate_input({"collection": "nope", "cms_id": ""})
    assert set(caught.value.fields) == {"collection", "cms_id"}
