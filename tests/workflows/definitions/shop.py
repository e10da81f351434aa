"""A shop to run the order workflows against: products with stock, vendors, carts completed through
the commerce checkout, and `Pump` — which lets time and the outside world move inline (the
sandboxes' webhooks delivered, the outbox relayed, due runs advanced) until a condition holds."""
import time

from django.db import connection
from django.utils import timezone

from commerce.orders import checkout
from commerce.orders.models import Order
from integrations import registry
from integrations.sandbox import webhooks as sandbox_webhooks
from tests.commerce.conftest import ADDRESS, Store, unique
from workflows import engine, relay
from workflows.models import ACTIVE_STATUSES, WorkflowRun

VISA = "pm_card_visa"
DECLINED = "pm_card_chargeDeclined"
FAR_ADDRESS = {**ADDRESS, "city": "Jeddah", "address_1": "Corniche Rd 4"}  # 850 km from Riyadh: no courier rate


class Shop(Store):
    """Alpha's storefront and back office, for workflow tests (connection left in alpha's schema)."""

    def vendor(self, name=None, **fields):
        from commerce.marketplace import services

        self.use()
        stripe = registry.get("stripe", sandbox=True)
        vendor = services.create_vendor(name=name or unique("Vendor"), email=f"{unique('vendor')}@example.com",
                                        address={"address_1": "Olaya St", "city": "Riyadh", "country_code": "SA"},
                                        **fields)
        account = stripe.create_connected_account(email=vendor.email, country="SA",
                                                  idempotency_key=f"test:{vendor.id}")
        stripe.complete_onboarding(account["id"])
        return services.update_vendor(vendor.id, {"stripe_account_id": account["id"],
                                                  "identity_verified_at": fields.get("identity_verified_at",
                                                                                     timezone.now())})

    def listed(self, price="100.00", stock=10, vendor=None, **fields):
        """A product (one variant) with stock, sold by `vendor` when given; returns its variant."""
        from commerce.marketplace import services

        product = self.product(price, stock, **fields)
        if vendor is not None:
            services.assign_products(vendor.id, [product.pk])
        return self.variant(product)

    def checkout(self, lines, *, card=VISA, address=ADDRESS, email=None, token=None, installments=None,
                 metadata=None) -> Order:
        """Complete a cart of `lines` ([(variant, quantity)]) through the commerce checkout."""
        self.use()
        option = self.shipping("20.00")
        body = {"email": email or f"{unique('buyer')}@example.com",
                "items": [{"variant_id": variant.pk, "quantity": quantity} for variant, quantity in lines],
                "shipping_address": address}
        if metadata:
            body["metadata"] = metadata
        response = self.post("/store/carts", body, token=token)
        assert response.status_code == 201, response.json()
        cart_id = response.json()["id"]
        assert self.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": option.pk},
                         token=token).status_code == 200
        completion = checkout.complete_cart(cart_id, payment_method=card, provider="sandbox",
                                            installments=installments)
        self.use()
        return completion.order


def advance_delivery(delivery_order_id: str, steps: int = 4) -> None:
    """The courier moves on: driver assigned, picked up, en route, delivered (one step each)."""
    fleetbase = registry.get("fleetbase", sandbox=True)
    for _ in range(steps):
        fleetbase.advance(delivery_order_id)


def run(workflow_id: str) -> WorkflowRun | None:
    return WorkflowRun.objects.filter(workflow_id=workflow_id).first()


class Pump:
    """Drive a tenant's workflows inline, as the worker, beat and the sandboxes' tick would."""

    def __init__(self, tenant):
        self.tenant = tenant

    def once(self) -> bool:
        schema = connection.schema_name
        moved = bool(sandbox_webhooks.deliver_pending(limit=500))
        moved |= relay.process_outbox(tenant_schema=self.tenant.schema_name)["claimed"] > 0
        for workflow_id in WorkflowRun.objects.filter(tenant_schema=self.tenant.schema_name,
                                                      status__in=ACTIVE_STATUSES).values_list("workflow_id", flat=True):
            if engine.advance(workflow_id) != "busy":
                moved = True
        connection.set_schema_to_public() if schema == "public" else connection.set_tenant(self.tenant)
        return moved

    def until(self, condition, timeout: float = 15.0, message: str = "the condition"):
        """Pump until `condition()` is true (waiting out short timers); returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if not self.once():
                if time.monotonic() > deadline:
                    raise AssertionError(f"{message} did not happen within {timeout} s")
                time.sleep(0.05)

    def settle(self, timeout: float = 15.0):
        """Pump until nothing moves any more (runs parked on signals or long timers)."""
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:
            quiet = 0 if self.once() else quiet + 1
            if quiet:
                time.sleep(0.05)

    def finished(self, workflow_id: str, timeout: float = 15.0) -> WorkflowRun:
        from workflows.models import FINAL_STATUSES

        return self.until(lambda: (r := run(workflow_id)) is not None and r.status in FINAL_STATUSES and r,
                          timeout, f"{workflow_id} to finish")
