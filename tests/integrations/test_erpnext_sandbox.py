"""The ERPNext sandbox behaves like ERPNext in what the platform observes."""
from decimal import Decimal

import pytest

from integrations import errors, registry
from integrations.erpnext.sandbox import ERPNextSandbox
from integrations.models import SandboxObject
from tests.integrations.conftest import deliver, outbox_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def erp():
    return ERPNextSandbox()


def _key(request, suffix=""):
    return f"{request.node.name}{suffix}"


def _customer(erp, request, name="Layla Haddad"):
    return erp.create_customer(customer_name=name, idempotency_key=_key(request, "-cust"), email="layla@example.test")


def _item(erp, request, code=None, rate="25.00"):
    code = code or f"SKU-{abs(hash(request.node.name)) % 10**8}"
    return erp.create_item(item_code=code, item_name="Dates 1kg", idempotency_key=code, standard_rate=Decimal(rate))


def test_registry_serves_the_sandbox_when_erpnext_is_not_configured():
    assert registry.mode("erpnext") == "sandbox"
    assert isinstance(registry.get("erpnext"), ERPNextSandbox)


def test_documents_are_named_like_erpnext_and_created_as_drafts_then_submitted(erp, request, alpha):
    customer = _customer(erp, request)
    item = _item(erp, request)
    order = erp.create_sales_order(customer=customer["name"], currency="sar", idempotency_key=_key(request, "-so"),
                                   items=[{"item_code": item["name"], "qty": 2, "rate": Decimal("25.00")}])
    assert order["name"].startswith("SAL-ORD-") and len(order["name"].rsplit("-", 1)[1]) == 5
    assert order["docstatus"] == 1 and order["status"] == "To Deliver and Bill"
    assert order["grand_total"] == 50.0 and order["currency"] == "SAR"
    assert order["cityos_tenant"] == "alpha" and order["cityos_reference"] == _key(request, "-so")
    row = order["items"][0]
    assert len(row["name"]) == 10 and row["parent"] == order["name"] and row["doctype"] == "Sales Order Item"
    assert item["name"] == item["item_code"]  # items are named by their code


def test_a_second_customer_with_the_same_name_gets_a_suffix(erp, request):
    first = erp.create_customer(customer_name=f"Same {request.node.name}", idempotency_key=_key(request, "-1"))
    second = erp.create_customer(customer_name=f"Same {request.node.name}", idempotency_key=_key(request, "-2"))
    assert second["name"] == f"{first['name']} - 1"


def test_the_same_reference_returns_the_document_created_first(erp, request):
    customer = _customer(erp, request)
    item = _item(erp, request)
    kwargs = dict(customer=customer["name"], currency="SAR", idempotency_key=_key(request, "-so"),
                  items=[{"item_code": item["name"], "qty": 1, "rate": 10}])
    before = SandboxObject.objects.using("sandbox").filter(system="erpnext", kind="Sales Order").count()
    first = erp.create_sales_order(**kwargs)
    again = erp.create_sales_order(**kwargs)
    assert again["name"] == first["name"]
    assert SandboxObject.objects.using("sandbox").filter(system="erpnext", kind="Sales Order").count() == before + 1


def test_an_unbalanced_journal_entry_is_refused_with_frappes_validation_error(erp, request):
    with pytest.raises(errors.InvalidArgumentError) as raised:
        erp.create_journal_entry(idempotency_key=_key(request), accounts=[
            {"account": "Stripe Clearing - CS", "debit": Decimal("100.00")},
            {"account": "Sales - CS", "credit": Decimal("90.00")}])
    error = raised.value
    assert error.external_code == "ValidationError" and error.details["http_status"] == 417
    assert "Total Debit must be equal to Total Credit. The difference is 10.00" in error.message
    assert not erp.store.all("Journal Entry", cityos_reference=_key(request))


def test_a_balanced_journal_entry_posts(erp, request):
    entry = erp.create_journal_entry(idempotency_key=_key(request), user_remark="settlement", accounts=[
        {"account": "Stripe Clearing - CS", "debit": Decimal("100.00")},
        {"account": "Sales - CS", "credit": Decimal("86.96")},
        {"account": "VAT - CS", "credit": Decimal("13.04")}])
    assert entry["name"].startswith("ACC-JV-") and entry["docstatus"] == 1
    assert entry["total_debit"] == entry["total_credit"] == 100.0


def test_receivable_rows_need_a_party(erp, request):
    with pytest.raises(errors.InvalidArgumentError, match="Party Type and Party is required"):
        erp.create_journal_entry(idempotency_key=_key(request), accounts=[
            {"account": "Debtors - CS", "debit": 5}, {"account": "Sales - CS", "credit": 5}])


def test_missing_mandatory_fields_raise_mandatory_error(erp, request):
    with pytest.raises(errors.SchemaValidationError) as raised:
        erp.create_sales_order(customer="", currency="SAR", items=[], idempotency_key=_key(request))
    assert raised.value.external_code == "MandatoryError"
    assert "customer" in raised.value.message and "items" in raised.value.message


def test_links_to_unknown_documents_raise_link_validation_error(erp, request):
    with pytest.raises(errors.InvalidArgumentError) as raised:
        erp.create_sales_invoice(customer="Nobody At All", currency="SAR", idempotency_key=_key(request),
                                 items=[{"item_code": "X", "qty": 1, "rate": 1}])
    assert raised.value.external_code == "LinkValidationError"
    assert "Could not find Customer: Nobody At All" in raised.value.message


def test_stock_moves_reservations_and_negative_stock(erp, request):
    item = _item(erp, request)
    customer = _customer(erp, request)
    erp.create_stock_entry(stock_entry_type="Material Receipt", idempotency_key=_key(request, "-in"),
                           items=[{"item_code": item["name"], "qty": 5, "t_warehouse": "Stores - CS"}])
    order = erp.create_sales_order(customer=customer["name"], currency="SAR", idempotency_key=_key(request, "-so"),
                                   items=[{"item_code": item["name"], "qty": 4, "rate": 25}])
    reservation = erp.reserve_stock(item_code=item["name"], warehouse="Stores - CS", qty=4,
                                    sales_order=order["name"], idempotency_key=_key(request, "-sre"))
    assert reservation["name"].startswith("MAT-SRE-") and reservation["status"] == "Reserved"
    level = erp.get_stock_levels(item_codes=[item["name"]])[0]
    assert (level["actual_qty"], level["reserved_qty"], level["available_qty"]) == (5, 4, 1)
    with pytest.raises(errors.InventoryUnavailableError):
        erp.reserve_stock(item_code=item["name"], warehouse="Stores - CS", qty=2, sales_order=order["name"],
                          idempotency_key=_key(request, "-sre2"))
    released = erp.release_stock(reservation["name"], idempotency_key=_key(request, "-rel"))
    assert released["docstatus"] == 2
    assert erp.get_stock_levels(item_codes=[item["name"]])[0]["available_qty"] == 5
    with pytest.raises(errors.InventoryUnavailableError) as raised:
        erp.create_stock_entry(stock_entry_type="Material Issue", idempotency_key=_key(request, "-out"),
                               items=[{"item_code": item["name"], "qty": 6, "s_warehouse": "Stores - CS"}])
    assert raised.value.external_code == "NegativeStockError"


def test_payment_entries_settle_invoices(erp, request):
    customer = _customer(erp, request)
    item = _item(erp, request)
    invoice = erp.create_sales_invoice(customer=customer["name"], currency="SAR", idempotency_key=_key(request, "-si"),
                                       items=[{"item_code": item["name"], "qty": 2, "rate": Decimal("57.50")}])
    assert invoice["name"].startswith("ACC-SINV-") and invoice["outstanding_amount"] == 115.0
    erp.create_payment_entry(party=customer["name"], paid_amount=Decimal("115.00"), currency="SAR",
                             paid_from="Debtors - CS", paid_to="Stripe Clearing - CS", reference_no="pi_123",
                             idempotency_key=_key(request, "-pe"),
                             invoices=[{"name": invoice["name"], "amount": Decimal("115.00")}])
    paid = erp.get_document("Sales Invoice", invoice["name"])
    assert (paid["outstanding_amount"], paid["status"]) == (0.0, "Paid")


def test_submitting_a_stale_copy_is_a_timestamp_mismatch(erp, request):
    customer = _customer(erp, request)
    item = _item(erp, request)
    draft = erp.create_sales_order(customer=customer["name"], currency="SAR", idempotency_key=_key(request),
                                   items=[{"item_code": item["name"], "qty": 1, "rate": 1}], submit=False)
    with pytest.raises(errors.DataConflictError) as raised:
        erp._submit({**draft, "modified": "2000-01-01 00:00:00.000000"}, operation="t", policy=None)
    assert raised.value.external_code == "TimestampMismatchError"


def test_cancelling_a_draft_deletes_it_and_a_submitted_document_is_cancelled(erp, request):
    customer = _customer(erp, request)
    item = _item(erp, request)
    rows = [{"item_code": item["name"], "qty": 1, "rate": 1}]
    draft = erp.create_sales_order(customer=customer["name"], currency="SAR", items=rows,
                                   idempotency_key=_key(request, "-d"), submit=False)
    assert erp.cancel_document("Sales Order", draft["name"], idempotency_key="c1")["deleted"] is True
    submitted = erp.create_sales_order(customer=customer["name"], currency="SAR", items=rows,
                                       idempotency_key=_key(request, "-s"))
    cancelled = erp.cancel_document("Sales Order", submitted["name"], idempotency_key="c2")
    assert (cancelled["docstatus"], cancelled["status"]) == (2, "Cancelled")


def test_submitting_sends_the_frappe_webhook_which_becomes_an_outbox_event(erp, request, alpha):
    customer = _customer(erp, request)
    item = _item(erp, request)
    invoice = erp.create_sales_invoice(customer=customer["name"], currency="SAR", idempotency_key=_key(request),
                                       items=[{"item_code": item["name"], "qty": 1, "rate": 40}])
    deliver("erpnext")
    events = outbox_for(invoice["name"])
    assert [e.event_type for e in events] == ["erp.sales_invoice.submitted"]
    assert events[0].aggregate_type == "sales_invoice" and events[0].tenant_id == "alpha"
    assert events[0].payload["reference"] == _key(request) and events[0].payload["doc"]["grand_total"] == 40.0
