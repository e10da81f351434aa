"""Admin API of orders: auth, filters (metadata through the GIN index), capture, refunds within
what was captured, cancellation, fulfilment, returns, invoices."""
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.utils import timezone

from commerce.inventory.models import InventoryLevel
from commerce.orders.models import Order
from commerce.orders.services import list_orders
from commerce.payments.models import Payment
from commerce.payments.services import capture_payment, refund_payment
from integrations.stripe.sandbox import StripeSandbox
from tests.commerce.conftest import VISA
from workflows.models import EventOutbox


@pytest.fixture
def admin(store_a, admin_token_headers):
    from tests.support.tenants import host_client

    return host_client("alpha.localhost", **admin_token_headers)


def place(store, price="100.00", quantity=2, stock=10, metadata=None, email="buyer@example.com"):
    product = store.product(price=price, stock=stock, metadata=metadata or {})
    variant = store.variant(product)
    cart_id = store.ready_cart(variant, quantity, email=email)
    response = store.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA})
    assert response.status_code == 201, response.json()
    store.use()
    return response.json()["order"], variant


def test_the_admin_api_needs_staff_credentials(store_a):
    from tests.support.tenants import host_client

    anonymous = host_client("alpha.localhost")
    assert anonymous.get("/admin/api/orders").status_code == 401
    forged = host_client("alpha.localhost", HTTP_AUTHORIZATION="Bearer nope")
    assert forged.get("/admin/api/products").status_code == 401


def test_list_orders_with_filters(store_a, admin):
    first, _ = place(store_a, metadata={"cms_poi_id": "poi_admin_1"}, email="one@example.com")
    second, _ = place(store_a, metadata={"cms_poi_id": "poi_admin_2"}, email="two@example.com")

    def listed(**params):
        response = admin.get("/admin/api/orders", params)
        assert response.status_code == 200, response.json()
        return [o["id"] for o in response.json()["results"]]

    assert listed(**{"metadata[cms_poi_id]": "poi_admin_1"}) == [first["id"]]
    assert listed(**{"metadata[cms_poi_ids]": "poi_admin_2"}) == [second["id"]]
    assert listed(email="two@example.com") == [second["id"]]
    assert listed(customer_id=first["customer_id"])[0] == first["id"]
    assert second["id"] in listed(status="pending", payment_status="authorized")
    assert listed(created_after=(timezone.now() + timedelta(hours=1)).isoformat()) == []
    assert listed(q=str(first["display_id"])) == [first["id"]]
    bad = admin.get("/admin/api/orders", {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    detail = admin.get(f"/admin/api/orders/{first['id']}").json()
    assert detail["payments"][0]["status"] == "authorized" and detail["metadata"]["cms_poi_id"] == "poi_admin_1"


def test_the_metadata_filter_is_served_by_the_gin_index(store_a):
    queryset = list_orders(metadata={"cms_poi_id": "poi_x"})
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "order_metadata_gin" in plan, plan


def test_capture_in_full_issues_the_invoice_and_writes_the_event(store_a, admin):
    order, _ = place(store_a)
    response = admin.post(f"/admin/api/orders/{order['id']}/capture", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["payment_status"], body["paid_total"]) == ("captured", "253.00")
    payment = Payment.objects.get(order_id=order["id"])
    assert StripeSandbox().retrieve_payment_intent(payment.payment_intent_id)["amount_received"] == 25300
    event = EventOutbox.objects.get(event_type="order.payment_captured", aggregate_id=order["id"])
    assert event.payload["amount"] == "253.00"
    invoice = admin.get("/admin/api/invoices", {"order_id": order["id"]}).json()["results"][0]
    assert invoice["number"].startswith("INV-") and invoice["total"] == "253.00" and invoice["status"] == "paid"
    assert len(invoice["items"]) == 2  # the line and the shipping
    again = admin.post(f"/admin/api/orders/{order['id']}/capture", {}, format="json")
    assert again.status_code == 200
    assert StripeSandbox().store.calls("capture_payment_intent").filter(
        idempotency_key=f"{order['id']}:capture").count() == 1


def test_partial_capture_releases_the_rest_and_bounds_refunds(store_a, admin):
    order, _ = place(store_a)
    too_much = admin.post(f"/admin/api/orders/{order['id']}/capture", {"amount": "300.00"}, format="json")
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "capture_amount_too_large"
    body = admin.post(f"/admin/api/orders/{order['id']}/capture", {"amount": "200.00"}, format="json").json()
    assert (body["payment_status"], body["paid_total"]) == ("partially_captured", "200.00")
    over = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "200.01"}, format="json")
    assert over.status_code == 422 and over.json()["error"]["code"] == "refund_amount_too_large"


def test_refunds_partial_then_the_rest_never_more_than_captured(store_a, admin):
    order, _ = place(store_a)
    not_yet = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "10.00"}, format="json")
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "payment_not_captured"
    capture_payment(order["id"])
    first = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "53.00", "note": "damaged box"},
                       format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["order"]["payment_status"] == "partially_refunded"
    over = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "200.01"}, format="json")
    assert over.status_code == 422
    for amount in ("0", "-5", "abc", "1.005"):
        bad = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": amount}, format="json")
        assert bad.status_code == 400, amount
    rest = admin.post(f"/admin/api/orders/{order['id']}/refunds", {}, format="json").json()
    assert rest["amount"] == "200.00" and rest["order"]["payment_status"] == "refunded"
    assert rest["order"]["refunded_total"] == "253.00"
    nothing = admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "0.01"}, format="json")
    assert nothing.status_code == 422
    events = EventOutbox.objects.filter(event_type="order.refunded", aggregate_id=order["id"]).order_by("created_at")
    assert [e.payload["amount"] for e in events] == ["53.00", "200.00"]
    charge = StripeSandbox().store.all("charge", payment_intent=Payment.objects.get(order_id=order["id"]).payment_intent_id)
    assert charge[0]["amount_refunded"] == 25300


def test_refund_service_repeats_safely_with_the_same_key(store_a):
    order, _ = place(store_a)
    capture_payment(order["id"])
    first = refund_payment(order["id"], D("10.00"), idempotency_key="wf-refund-1")
    again = refund_payment(order["id"], D("10.00"), idempotency_key="wf-refund-1")
    assert first.pk == again.pk
    assert Order.objects.get(pk=order["id"]).refunded_total == D("10.00")


def test_cancel_releases_the_authorisation_the_stock_and_writes_the_event(store_a, admin):
    order, variant = place(store_a, quantity=3)
    assert InventoryLevel.objects.get(item_id=variant.inventory_item_id).reserved_quantity == 3
    body = admin.post(f"/admin/api/orders/{order['id']}/cancel", {"reason": "customer asked"}, format="json").json()
    assert (body["status"], body["payment_status"]) == ("canceled", "canceled")
    assert InventoryLevel.objects.get(item_id=variant.inventory_item_id).reserved_quantity == 0
    payment = Payment.objects.get(order_id=order["id"])
    assert StripeSandbox().retrieve_payment_intent(payment.payment_intent_id)["status"] == "canceled"
    event = EventOutbox.objects.get(event_type="order.cancelled", aggregate_id=order["id"])
    assert event.payload["released_authorisation"] is True and event.payload["reason"] == "customer asked"
    assert admin.post(f"/admin/api/orders/{order['id']}/capture", {}, format="json").status_code == 409


def test_cancelling_a_captured_order_refunds_it(store_a, admin):
    order, _ = place(store_a)
    capture_payment(order["id"])
    body = admin.post(f"/admin/api/orders/{order['id']}/cancel", {}, format="json").json()
    assert (body["status"], body["payment_status"], body["refunded_total"]) == ("canceled", "refunded", "253.00")


def test_fulfil_ship_deliver_completes_a_captured_order(store_a, admin):
    order, variant = place(store_a, quantity=2, stock=5)
    line_id = order["items"][0]["id"]
    too_many = admin.post(f"/admin/api/orders/{order['id']}/fulfillments",
                          {"items": [{"line_item_id": line_id, "quantity": 3}]}, format="json")
    assert too_many.status_code == 422
    body = admin.post(f"/admin/api/orders/{order['id']}/fulfillments",
                      {"items": [{"line_item_id": line_id, "quantity": 1}]}, format="json").json()
    assert body["fulfillment_status"] == "partially_fulfilled"
    level = InventoryLevel.objects.get(item_id=variant.inventory_item_id)
    assert (level.stocked_quantity, level.reserved_quantity) == (4, 1)
    body = admin.post(f"/admin/api/orders/{order['id']}/fulfillments", {}, format="json").json()
    assert body["fulfillment_status"] == "fulfilled"
    level.refresh_from_db()
    assert (level.stocked_quantity, level.reserved_quantity) == (3, 0)
    assert EventOutbox.objects.filter(event_type="order.fulfillment_started", aggregate_id=order["id"]).count() == 2
    assert admin.post(f"/admin/api/orders/{order['id']}/cancel", {}, format="json").status_code == 409
    capture_payment(order["id"])
    for fulfillment in body["fulfillments"]:
        shipped = admin.post(f"/admin/api/orders/{order['id']}/fulfillments/{fulfillment['id']}/ship",
                             {"tracking_number": "TRK1"}, format="json")
        assert shipped.status_code == 200
    assert shipped.json()["fulfillment_status"] == "shipped"
    for fulfillment in body["fulfillments"]:
        done = admin.post(f"/admin/api/orders/{order['id']}/fulfillments/{fulfillment['id']}/deliver", {}, format="json")
    assert (done.json()["fulfillment_status"], done.json()["status"]) == ("delivered", "completed")
    assert EventOutbox.objects.filter(event_type="order.completed", aggregate_id=order["id"]).count() == 1


def test_returns_requested_in_the_store_received_by_staff_are_restocked_and_refunded(store_a, admin):
    order, variant = place(store_a, quantity=2, stock=5)
    line_id = order["items"][0]["id"]
    early = store_a.post(f"/store/orders/{order['id']}/returns", {
        "email": "buyer@example.com", "items": [{"line_item_id": line_id, "quantity": 1}]})
    assert early.status_code == 422 and early.json()["error"]["code"] == "return_quantity_too_large"
    capture_payment(order["id"])
    admin.post(f"/admin/api/orders/{order['id']}/fulfillments", {}, format="json")
    wrong_email = store_a.post(f"/store/orders/{order['id']}/returns", {
        "email": "thief@example.com", "items": [{"line_item_id": line_id, "quantity": 1}]})
    assert wrong_email.status_code == 404
    requested = store_a.post(f"/store/orders/{order['id']}/returns", {
        "email": "buyer@example.com", "items": [{"line_item_id": line_id, "quantity": 1, "reason": "too sweet"}]})
    assert requested.status_code == 201, requested.json()
    ret = requested.json()
    assert ret["refund_amount"] == "115.00"  # one of two units: (200 + 30 VAT) / 2
    assert EventOutbox.objects.get(event_type="return.requested", aggregate_id=ret["id"]).payload["items"][0][
        "reason"] == "too sweet"
    store_a.use()
    received = admin.post(f"/admin/api/returns/{ret['id']}/receive", {}, format="json")
    assert received.status_code == 200 and received.json()["status"] == "refunded"
    level = InventoryLevel.objects.get(item_id=variant.inventory_item_id)
    assert level.stocked_quantity == 4  # 5 − 2 fulfilled + 1 back
    detail = admin.get(f"/admin/api/orders/{order['id']}").json()
    assert (detail["refunded_total"], detail["fulfillment_status"]) == ("115.00", "partially_returned")
    assert admin.post(f"/admin/api/returns/{ret['id']}/receive", {}, format="json").status_code == 409


def test_another_tenants_order_is_404_in_the_admin_api(store_a, store_b, admin_token_headers):
    from tests.support.tenants import host_client

    order, _ = place(store_a)
    beta_admin = host_client("beta.localhost", **admin_token_headers)
    assert beta_admin.get(f"/admin/api/orders/{order['id']}").status_code == 404
    assert beta_admin.post(f"/admin/api/orders/{order['id']}/refunds", {"amount": "1"}, format="json").status_code == 404


def test_cancel_payment_releases_the_authorisation_but_keeps_the_order(store_a):
    from cityos.errors import Conflict
    from commerce.payments.services import cancel_payment

    order, _ = place(store_a)
    cancelled = cancel_payment(order["id"], reason="abandoned")
    assert (cancelled.status, cancelled.payment_status) == ("pending", "canceled")
    assert EventOutbox.objects.get(event_type="order.payment_canceled", aggregate_id=order["id"]).payload["amount"] == "253.00"
    with pytest.raises(Conflict):
        cancel_payment(order["id"])
