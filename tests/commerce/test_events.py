"""Every event the commerce engine writes is in its catalogue, inside the changing transaction."""
import pytest

from commerce import events
from workflows.models import EventOutbox
from workflows.outbox import OutboxMisuse


def test_events_can_only_be_written_inside_a_transaction(store_a):
    from django.db import transaction

    with transaction.atomic():
        pass
    with pytest.raises(OutboxMisuse):
        # autocommit outside any atomic block (the test's own transaction is a savepoint above us,
        # so simulate a caller with none by leaving it)
        from django.db import connection

        saved = connection.in_atomic_block
        connection.in_atomic_block = False
        try:
            events.emit(events.PRODUCT_UPDATED, "prod_x", {})
        finally:
            connection.in_atomic_block = saved


def test_every_emitted_event_type_is_catalogued(store_a):
    from tests.commerce.test_admin_orders import place

    order, _ = place(store_a)
    types = set(EventOutbox.objects.filter(tenant_schema=store_a.tenant.schema_name).values_list("event_type", flat=True))
    assert {"order.placed", "product.created", "inventory.adjusted", "customer.created"} <= types
    assert types <= set(events.CATALOG)


def test_unknown_event_types_are_refused(store_a):
    with pytest.raises(KeyError):
        events.emit("order.vanished", "order_x", {})
