"""Contract tests of the ERPNext client against Frappe's REST API (respx): the exact requests each
operation sends and how it handles Frappe's real answers."""
import json
from decimal import Decimal

import httpx
import pytest
import respx

from integrations import errors
from tests.support.tenants import in_tenant

pytestmark = pytest.mark.django_db

BASE = "https://erp.example.test"
AUTH = "token key1:secret1"


@pytest.fixture
def erp(live, sleeps):
    client = live("erpnext")
    client.http.sleep = sleeps
    return client


def frappe_error(status, exc_type, *messages, exception=None):
    server = json.dumps([json.dumps({"message": m, "title": "Message", "indicator": "red", "raise_exception": 1})
                         for m in messages])
    return httpx.Response(status, json={"exception": exception or f"frappe.exceptions.{exc_type}: {messages[0]}",
                                        "exc_type": exc_type, "exc": "[\"Traceback (most recent call last): ...\"]",
                                        "_server_messages": server})


def body_of(call) -> dict:
    return json.loads(call.request.content)


def query_of(call) -> dict:
    params = dict(call.request.url.params)
    for key in ("filters", "fields"):
        if key in params:
            params[key] = json.loads(params[key])
    return params


def test_create_customer_looks_up_its_reference_then_posts_the_document(erp, tenant_a):
    with respx.mock(base_url=BASE) as mock, in_tenant(tenant_a):
        lookup = mock.get("/api/resource/Customer").respond(json={"data": []})
        create = mock.post("/api/resource/Customer").respond(json={"data": {
            "name": "Layla Haddad", "customer_name": "Layla Haddad", "docstatus": 0, "doctype": "Customer"}})
        customer = erp.create_customer(customer_name="Layla Haddad", email="layla@example.test",
                                       idempotency_key="cus_01")
    assert customer["name"] == "Layla Haddad"
    [find] = lookup.calls
    assert find.request.headers["Authorization"] == AUTH
    assert query_of(find) == {"filters": [["cityos_reference", "=", "cus_01"]], "fields": ["name"],
                              "limit_page_length": "1"}
    [post] = create.calls
    assert post.request.headers["Authorization"] == AUTH
    assert post.request.headers["Content-Type"] == "application/json"
    assert body_of(post) == {"customer_name": "Layla Haddad", "customer_type": "Individual",
                             "customer_group": "Individual", "territory": "All Territories",
                             "email_id": "layla@example.test", "cityos_tenant": "alpha", "cityos_reference": "cus_01"}


def test_a_sales_order_is_created_as_a_draft_then_submitted_through_frappe_client_submit(erp):
    draft = {"name": "SAL-ORD-2026-00007", "doctype": "Sales Order", "docstatus": 0, "modified": "2026-05-01 10:00:00"}
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Sales%20Order").respond(json={"data": []})
        create = mock.post("/api/resource/Sales%20Order").respond(json={"data": draft})
        submit = mock.post("/api/method/frappe.client.submit").respond(json={"message": {**draft, "docstatus": 1}})
        order = erp.create_sales_order(customer="Layla Haddad", currency="sar", idempotency_key="order_9",
                                       transaction_date="2026-05-01", delivery_date="2026-05-03",
                                       items=[{"item_code": "DATES-1", "qty": 2, "rate": Decimal("57.50")}])
    assert order["docstatus"] == 1
    assert body_of(create.calls[0]) == {
        "customer": "Layla Haddad", "company": "CityOS Trading", "transaction_date": "2026-05-01",
        "delivery_date": "2026-05-03", "currency": "SAR",
        "items": [{"item_code": "DATES-1", "qty": 2.0, "rate": 57.5, "delivery_date": "2026-05-03"}],
        "cityos_tenant": "public", "cityos_reference": "order_9"}
    assert body_of(submit.calls[0]) == {"doc": draft}


def test_a_retried_create_finds_the_document_the_first_attempt_made(erp):
    existing = {"name": "SAL-ORD-2026-00007", "doctype": "Sales Order", "docstatus": 1}
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.get("/api/resource/Sales%20Order").respond(json={"data": [{"name": "SAL-ORD-2026-00007"}]})
        fetch = mock.get("/api/resource/Sales%20Order/SAL-ORD-2026-00007").respond(json={"data": existing})
        create = mock.post("/api/resource/Sales%20Order")
        order = erp.create_sales_order(customer="Layla Haddad", currency="SAR", idempotency_key="order_9",
                                       items=[{"item_code": "DATES-1", "qty": 1, "rate": 1}])
    assert order == existing and fetch.called and not create.called


def test_the_journal_entry_body_carries_debits_and_credits_in_account_currency(erp):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Journal%20Entry").respond(json={"data": []})
        create = mock.post("/api/resource/Journal%20Entry").respond(json={"data": {"name": "ACC-JV-2026-00001",
                                                                                  "docstatus": 0}})
        mock.post("/api/method/frappe.client.submit").respond(json={"message": {"name": "ACC-JV-2026-00001",
                                                                                "docstatus": 1}})
        erp.create_journal_entry(idempotency_key="settle_1", posting_date="2026-05-01", user_remark="payout",
                                 accounts=[{"account": "Vendor Payables - CT", "credit": Decimal("96.50"),
                                            "party_type": "Supplier", "party": "Souq"},
                                           {"account": "Stripe Clearing - CT", "debit": Decimal("96.50")}])
    assert body_of(create.calls[0])["accounts"] == [
        {"account": "Vendor Payables - CT", "debit_in_account_currency": 0.0, "credit_in_account_currency": 96.5,
         "party_type": "Supplier", "party": "Souq"},
        {"account": "Stripe Clearing - CT", "debit_in_account_currency": 96.5, "credit_in_account_currency": 0.0}]
    assert body_of(create.calls[0])["voucher_type"] == "Journal Entry"


def test_417_with_exc_type_and_server_messages_maps_onto_the_taxonomy(erp, sleeps):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Journal%20Entry").respond(json={"data": []})
        route = mock.post("/api/resource/Journal%20Entry").mock(return_value=frappe_error(
            417, "ValidationError", "Total Debit must be equal to Total Credit. The difference is 10.00"))
        with pytest.raises(errors.InvalidArgumentError) as raised:
            erp.create_journal_entry(idempotency_key="je", accounts=[{"account": "A", "debit": 100},
                                                                     {"account": "B", "credit": 90}])
        mock.get("/api/resource/Customer").respond(json={"data": []})
        mock.post("/api/resource/Customer").mock(return_value=frappe_error(
            417, "MandatoryError", "<strong>Error:</strong> Value missing for Customer: Customer Name"))
        with pytest.raises(errors.SchemaValidationError) as mandatory:
            erp.create_customer(customer_name="", idempotency_key="c")
    error = raised.value
    assert route.call_count == 1 and sleeps == []  # a validation error is not retried
    assert error.external_code == "ValidationError" and error.details["http_status"] == 417
    assert error.message == "Total Debit must be equal to Total Credit. The difference is 10.00"
    assert mandatory.value.message == "Error: Value missing for Customer: Customer Name"


def test_404_does_not_exist_and_409_duplicate_are_recognised(erp):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Sales%20Invoice/ACC-SINV-0").mock(return_value=frappe_error(
            404, "DoesNotExistError", "Sales Invoice ACC-SINV-0 not found"))
        with pytest.raises(errors.InvalidArgumentError) as missing:
            erp.get_document("Sales Invoice", "ACC-SINV-0")
        # an item created meanwhile by someone else: the 409 answer is followed by a read of that item
        item = {"name": "DATES-1", "item_code": "DATES-1"}
        mock.get("/api/resource/Item/DATES-1").mock(side_effect=[
            frappe_error(404, "DoesNotExistError", "Item DATES-1 not found"), httpx.Response(200, json={"data": item})])
        create = mock.post("/api/resource/Item").mock(return_value=frappe_error(
            409, "DuplicateEntryError", "Item DATES-1 already exists",
            exception="frappe.exceptions.DuplicateEntryError: ('Item', 'DATES-1', IntegrityError(1062, ...))"))
        assert erp.create_item(item_code="DATES-1", item_name="Dates", idempotency_key="DATES-1") == item
    assert missing.value.external_code == "DoesNotExistError"
    assert body_of(create.calls[0])["item_group"] == "Products" and body_of(create.calls[0])["is_stock_item"] == 1


def test_429_with_retry_after_waits_and_retries_with_the_same_request(erp, sleeps):
    with respx.mock(base_url=BASE) as mock:
        route = mock.get("/api/resource/Bin").mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "12"}, json={"exc_type": "TooManyRequests"}),
            httpx.Response(200, json={"data": [{"item_code": "DATES-1", "warehouse": "Stores - CT", "actual_qty": 10.0,
                                                "reserved_stock": 3.0, "projected_qty": 7.0}]})])
        levels = erp.get_stock_levels(item_codes=["DATES-1"])
    assert sleeps == [12] and route.call_count == 2
    assert route.calls[0].request.url == route.calls[1].request.url
    assert query_of(route.calls[0])["filters"] == [["item_code", "in", ["DATES-1"]]]
    assert levels == [{"item_code": "DATES-1", "warehouse": "Stores - CT", "actual_qty": Decimal("10.0"),
                       "reserved_qty": Decimal("3.0"), "available_qty": Decimal("7.0"), "projected_qty": Decimal("7.0")}]


def test_timeouts_and_resets_surface_as_timeout_and_network_errors(erp, sleeps):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Sales%20Order/SO-1").mock(side_effect=httpx.ConnectTimeout("timed out"))
        with pytest.raises(errors.TimeoutError):
            erp.get_document("Sales Order", "SO-1")
        mock.get("/api/resource/Sales%20Order/SO-2").mock(side_effect=httpx.ReadError("[Errno 104] Connection reset by peer"))
        with pytest.raises(errors.NetworkError) as reset:
            erp.get_document("Sales Order", "SO-2")
    assert reset.value.retryable and reset.value.attempts >= 2


def test_reserving_stock_checks_the_bin_and_reserves_against_the_order_row(erp):
    order = {"name": "SAL-ORD-2026-00003", "items": [{"name": "a1b2c3d4e5", "item_code": "DATES-1", "qty": 4.0,
                                                      "stock_uom": "Nos"}]}
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Stock%20Reservation%20Entry").respond(json={"data": []})
        mock.get("/api/resource/Bin").respond(json={"data": [{"item_code": "DATES-1", "warehouse": "Stores - CT",
                                                              "actual_qty": 5, "reserved_stock": 0}]})
        mock.get("/api/resource/Sales%20Order/SAL-ORD-2026-00003").respond(json={"data": order})
        create = mock.post("/api/resource/Stock%20Reservation%20Entry").respond(json={"data": {"name": "MAT-SRE-1",
                                                                                              "docstatus": 0}})
        mock.post("/api/method/frappe.client.submit").respond(json={"message": {"name": "MAT-SRE-1", "docstatus": 1}})
        erp.reserve_stock(item_code="DATES-1", warehouse="Stores - CT", qty=4, sales_order=order["name"],
                          idempotency_key="res_1")
        with pytest.raises(errors.InventoryUnavailableError):
            erp.reserve_stock(item_code="DATES-1", warehouse="Stores - CT", qty=6, sales_order=order["name"],
                              idempotency_key="res_2")
    sent = body_of(create.calls[0])
    assert (sent["voucher_type"], sent["voucher_no"], sent["voucher_detail_no"]) == (
        "Sales Order", "SAL-ORD-2026-00003", "a1b2c3d4e5")
    assert sent["reserved_qty"] == 4.0 and sent["company"] == "CityOS Trading" and create.call_count == 1


def test_cancelling_uses_frappe_client_cancel(erp):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Sales%20Order/SO-9").mock(side_effect=[
            httpx.Response(200, json={"data": {"name": "SO-9", "docstatus": 1}}),
            httpx.Response(200, json={"data": {"name": "SO-9", "docstatus": 2}})])
        cancel = mock.post("/api/method/frappe.client.cancel").respond(json={"message": None})
        assert erp.cancel_document("Sales Order", "SO-9", idempotency_key="k")["docstatus"] == 2
    assert body_of(cancel.calls[0]) == {"doctype": "Sales Order", "name": "SO-9"}


def test_health_pings_and_checks_the_credentials(erp):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/method/ping").respond(json={"message": "pong"})
        who = mock.get("/api/method/frappe.auth.get_logged_user").respond(json={"message": "cityos@erp"})
        assert erp.health_check() == {"healthy": True, "message": "ERPNext reachable as cityos@erp"}
        who.respond(401, json={"exc_type": "AuthenticationError"})
        assert erp.health_check()["healthy"] is False


def test_custom_fields_are_created_once(erp):
    with respx.mock(base_url=BASE) as mock:
        mock.get("/api/resource/Custom%20Field").mock(side_effect=lambda request: httpx.Response(200, json={
            "data": [] if "Sales Order" in request.url.params["filters"] else [{"name": "x"}]}))
        create = mock.post("/api/resource/Custom%20Field").respond(json={"data": {"name": "x"}})
        assert erp.ensure_custom_fields() == ["Sales Order.cityos_tenant", "Sales Order.cityos_reference"]
    assert body_of(create.calls[1]) == {"dt": "Sales Order", "fieldname": "cityos_reference",
                                        "label": "CityOS reference", "fieldtype": "Data", "read_only": 1,
                                        "no_copy": 1, "search_index": 1}
