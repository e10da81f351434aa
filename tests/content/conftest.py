"""Fixtures of the content tests: the alpha tenant's schema, a POI, records of every collection,
a CMS member of alpha, and a tidy media root and cache for each test."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tenants.models import TenantMembership
from tenants.staff import staff_group
from tests.support.tenants import TEST_TENANTS, host_client, in_tenant
from workflows.models import EventOutbox


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # Wagtail caches site root paths; the database is rolled back after each test
    yield
    cache.clear()


def publishable_key(tenant) -> str:
    from django_tenants.utils import schema_context

    from commerce.regions.models import PublishableApiKey

    with schema_context(tenant.schema_name):  # and back to whichever schema the test is in
        return PublishableApiKey.objects.filter(sales_channel__is_default=True, revoked_at__isnull=True).first().token


@pytest.fixture
def client_a(tenant_a):
    """Alpha's storefront: its host and publishable key (the store content API requires it)."""
    return host_client(TEST_TENANTS["alpha"], HTTP_X_PUBLISHABLE_API_KEY=publishable_key(tenant_a))


@pytest.fixture
def client_b(tenant_b):
    return host_client(TEST_TENANTS["beta"], HTTP_X_PUBLISHABLE_API_KEY=publishable_key(tenant_b))


@pytest.fixture
def alpha(tenant_a):
    """Run the test body inside the alpha tenant's schema."""
    with in_tenant(tenant_a):
        yield tenant_a


@pytest.fixture
def poi(alpha):
    from content.models import PointOfInterest

    return PointOfInterest.objects.create(name="Old Town Hall", slug="old-town-hall", kind="venue",
                                          domain="events-culture", city="Riyadh")


def record_fields(collection: str) -> dict:
    """Valid fields of a new record of `collection` (title, slug and price included)."""
    soon = timezone.now() + timedelta(days=7)
    specific = {
        "healthcare-appointments": dict(practitioner="Dr. Sara Ali", specialty="Dermatology", starts_at=soon,
                                        duration_minutes=30, capacity=2),
        "course-enrollments": dict(course_code="PY-1", starts_on=soon.date(), ends_on=soon.date() + timedelta(days=5),
                                   seats=12),
        "transit-passes": dict(pass_type="month", validity_days=30, billing_interval="month"),
        "market-listings": dict(category="produce", unit="kg", quantity_available=Decimal("40.5")),
        "properties": dict(listing_type="sale", property_type="villa", area_sqm=Decimal("320"),
                           address="12 Palm Street"),
        "rentals": dict(rental_type="equipment", rent_period="day", deposit=Decimal("100"), units_available=3),
        "service-plans": dict(billing_interval="year", feature_list="One\nTwo"),
        "citizen-services": dict(department="Permits", processing_days=5),
        "events": dict(category="concert", starts_at=soon, ends_at=soon + timedelta(hours=3), capacity=150),
        "job-listings": dict(employer="City Works", application_email="jobs@example.com", salary_min=Decimal("5000"),
                             salary_max=Decimal("6000")),
    }[collection]
    return {"title": f"A {collection} record", "slug": f"{collection}-1", "price": Decimal("120.50"), **specific}


@pytest.fixture
def make_record(poi):
    from content import services

    def make(collection: str, *, publish: bool = False, **overrides):
        return services.create_record(collection, publish=publish, poi=poi, **{**record_fields(collection), **overrides})

    return make


def events_of(record=None, *, aggregate_id: str | None = None) -> list[EventOutbox]:
    """Outbox events of one record, oldest first."""
    aggregate_id = aggregate_id or record.cms_id
    return list(EventOutbox.objects.filter(aggregate_id=aggregate_id).order_by("created_at", "id"))


def event_types(record=None, **kwargs) -> list[str]:
    return [event.event_type for event in events_of(record, **kwargs)]


@pytest.fixture
def member_of_alpha(tenant_a):
    user = User.objects.create_user("alpha-content-editor", "editor@alpha.test", "s3cret-pass", is_staff=True)
    user.groups.add(staff_group())
    TenantMembership.objects.create(user=user, tenant=tenant_a, role="editor")
    return user


@pytest.fixture
def cms_client(member_of_alpha):
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(member_of_alpha)
    return client


def run_workflows(tenant, *workflow_types, max_rounds: int = 20) -> list:
    """Relay the tenant's outbox and drive inline, to the end, every run of `workflow_types` it
    started (and any run those runs' events start), as a worker would. The connection is left in
    the tenant's schema. Returns the runs driven, oldest first."""
    from django.db import connection

    from workflows import engine, relay
    from workflows.models import FINAL_STATUSES, WorkflowRun

    driven = {}
    for _ in range(max_rounds):
        relay.process_outbox(tenant_schema=tenant.schema_name)
        pending = list(WorkflowRun.objects.filter(tenant_schema=tenant.schema_name, workflow_type__in=workflow_types)
                       .exclude(status__in=FINAL_STATUSES).order_by("created_at", "workflow_id"))
        if not pending:
            break
        for run in pending:
            for _attempt in range(50):
                engine.advance(run.workflow_id)
                run.refresh_from_db()
                if run.status in FINAL_STATUSES:
                    break
            driven[run.workflow_id] = run
    connection.set_tenant(tenant)
    return sorted(driven.values(), key=lambda run: (run.created_at, run.workflow_id))


def pushed_variant_id(record) -> str:
    """The variant shoppers buy for a record pushed into commerce (its product's only variant)."""
    from commerce.bookings.models import Booking
    from commerce.catalog.models import ProductVariant

    record.refresh_from_db()
    product_id = record.commerce_id
    if product_id.startswith("bkg_"):  # a booking slot: shoppers buy its product
        product_id = Booking.objects.get(pk=product_id).product_id
    return ProductVariant.objects.filter(product_id=product_id).values_list("pk", flat=True).get()


def buy(items, *, email: str = "buyer@example.com", placed_at=None):
    """Place an order through the real checkout (sandbox gateway, test card) for `items`
    [(variant id, quantity)]; `placed_at` moves its placement time back afterwards."""
    from commerce.carts import services as carts
    from commerce.orders.checkout import complete_cart
    from commerce.orders.models import Order
    from commerce.regions.services import default_sales_channel

    cart = carts.create_cart(sales_channel_id=default_sales_channel().pk, email=email,
                             items=[{"variant_id": variant_id, "quantity": quantity} for variant_id, quantity in items])
    carts.create_payment_session(cart.pk, "sandbox")
    order = complete_cart(cart.pk, payment_method="pm_card_visa", provider="sandbox").order
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(created_at=placed_at)
        order.refresh_from_db()
    return order
