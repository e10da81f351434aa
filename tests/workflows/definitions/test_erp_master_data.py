"""ERPNext master data the order workflows need (items, customers) is made sure of once per
adapter: later orders make no ERPNext call for it, and a rebuilt adapter checks again."""
from django.db import connections
from django.test.utils import CaptureQueriesContext

from integrations import registry
from integrations.models import SandboxObject
from workflows.definitions.common import erp


def _items(code) -> int:
    return SandboxObject.objects.using("sandbox").filter(system="erpnext", kind="Item", object_id=code).count()


def test_an_item_is_created_once_and_not_looked_up_again_by_the_same_adapter(shop):
    variant = shop.listed("10.00")
    code = erp.ensure_item(variant.sku, "Dates")
    assert _items(code) == 1

    with CaptureQueriesContext(connections["sandbox"]) as erpnext_calls:
        assert erp.ensure_item(variant.sku, "Dates") == code
    assert len(erpnext_calls) == 0


def test_a_rebuilt_adapter_checks_again_and_recreates_what_its_erpnext_lost(shop):
    variant = shop.listed("10.00")
    code = erp.ensure_item(variant.sku, "Dates")
    SandboxObject.objects.using("sandbox").filter(system="erpnext", kind="Item", object_id=code).delete()

    assert erp.ensure_item(variant.sku, "Dates") == code  # remembered by this adapter: not looked up
    assert _items(code) == 0
    registry.reset()
    assert erp.ensure_item(variant.sku, "Dates") == code
    assert _items(code) == 1
