"""The marketplace and payment records through the admin API, and the vendor split's commissions."""
from decimal import Decimal

from django.conf import settings

from commerce.marketplace import services as marketplace
from tests.support.tenants import host_client

ADMIN = {"HTTP_AUTHORIZATION": f"Bearer {settings.ADMIN_API_TOKEN}"}


def api(shop):
    return host_client("alpha.localhost", **ADMIN)


def test_staff_create_vendors_assign_products_and_set_commission_rules(shop):
    client = api(shop)
    response = client.post("/admin/api/vendors", {"name": "Honey House", "email": "HONEY@example.com",
                                                  "commission_rate": "0.08", "uses_escrow": True}, format="json")
    assert response.status_code == 201, response.json()
    vendor = response.json()
    assert (vendor["email"], vendor["commission_rate"], vendor["uses_escrow"]) == ("honey@example.com", "0.0800", True)
    product = shop.product("40.00")
    response = client.post(f"/admin/api/vendors/{vendor['id']}/products", {"product_ids": [product.pk]},
                           format="json")
    assert response.json()["product_ids"] == [product.pk]
    assert client.post(f"/admin/api/vendors/{vendor['id']}/products", {"product_ids": ["prod_nope"]},
                       format="json").status_code == 400
    assert client.post("/admin/api/vendors", {"name": "Honey House", "email": "x@example.com"},
                       format="json").status_code == 409
    assert client.post("/admin/api/vendors", {"name": "Bad", "email": "b@example.com", "commission_rate": "1.5"},
                       format="json").status_code == 400
    rule = client.post("/admin/api/commission-rules", {"name": "Honey vendor special", "vendor_id": vendor["id"],
                                                       "rate": "0.05"}, format="json")
    assert rule.status_code == 201, rule.json()
    listed = client.get("/admin/api/vendors", {"q": "honey"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == vendor["id"]


def test_the_most_specific_commission_rule_applies_to_the_split(shop):
    vendor = shop.vendor(commission_rate="0.10")
    marketplace.save_commission_rule({"name": "everyone", "rate": "0.30"})
    marketplace.save_commission_rule({"name": "this vendor", "vendor_id": vendor.id, "rate": "0.07",
                                      "flat_fee": "1.00"})
    order = shop.checkout([(shop.listed("100.00", vendor=vendor), 2)])

    vendor_order, = marketplace.split_order(order.id)

    assert vendor_order.subtotal == Decimal("230.0000")  # 2 × 100 + 15 % VAT
    assert vendor_order.commission_amount == Decimal("17.1000")  # 7 % of 230 + 1.00 per line
    assert marketplace.split_order(order.id) == [vendor_order]  # idempotent
    response = api(shop).get("/admin/api/commission-transactions", {"order_id": order.id})
    assert [(t["kind"], t["status"], t["net"]) for t in response.json()["results"]] == [("sale", "pending", "212.90")]


def test_payment_records_are_listed_for_staff_and_refuse_bad_input(shop):
    client = api(shop)
    for path in ("/admin/api/disputes", "/admin/api/installment-plans", "/admin/api/escrow-holds",
                 "/admin/api/reconciliation-reports", "/admin/api/payouts", "/admin/api/vendor-orders"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "count" in response.json()
    order = shop.checkout([(shop.listed("10.00"), 1)])
    for path, status in (("/admin/api/installment-plans", "active"), ("/admin/api/escrow-holds", "held")):
        refused = client.get(path, {"status": "nonsense"})
        assert refused.status_code == 400 and "status" in refused.json()["error"]["fields"], path
        assert client.get(path, {"status": status, "order_id": order.id}).json()["count"] == 0
    assert client.post(f"/admin/api/orders/{order.id}/disputes", {}, format="json").status_code == 400
    # nothing captured yet: no dispute
    response = client.post(f"/admin/api/orders/{order.id}/disputes", {"gateway_dispute_id": "dp_1"}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "payment_not_captured"
    assert client.get("/admin/api/vendors").status_code == 200
    assert host_client("alpha.localhost").get("/admin/api/vendors").status_code == 401
