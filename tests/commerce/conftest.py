"""Fixtures of the commerce tests: storefront clients with their publishable keys, a small
catalog builder, shipping, customers with tokens."""
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django_tenants.utils import schema_context

from tests.support.tenants import TEST_TENANTS, host_client

_counter = itertools.count(1)


PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def password_hash():
    return make_password(PASSWORD)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def unique_word(prefix: str) -> str:
    """A unique single word of letters (full-text search treats "-12" as a number)."""
    n, letters = next(_counter), ""
    while n:
        n, r = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[r]
    return prefix + letters


def publishable_key(tenant) -> str:
    from commerce.regions.models import PublishableApiKey

    with schema_context(tenant.schema_name):
        return PublishableApiKey.objects.filter(sales_channel__is_default=True, revoked_at__isnull=True).first().token


class Store:
    """A storefront client of one tenant (publishable key set) plus helpers to build its catalog."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.key = publishable_key(tenant)
        self.client = host_client(TEST_TENANTS[tenant.slug], HTTP_X_PUBLISHABLE_API_KEY=self.key)

    # -- HTTP --------------------------------------------------------------------------------------
    def get(self, path, token=None, **params):
        return self._back(self.client.get(path, params, **self._auth(token)))

    def post(self, path, data=None, token=None):
        return self._back(self.client.post(path, data if data is not None else {}, format="json", **self._auth(token)))

    def delete(self, path, token=None):
        return self._back(self.client.delete(path, **self._auth(token)))

    def _back(self, response):
        """A request leaves the connection in the public schema; tests continue in the tenant's."""
        self.use()
        return response

    @staticmethod
    def _auth(token):
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    # -- data --------------------------------------------------------------------------------------
    def use(self):
        connection.set_tenant(self.tenant)
        return self

    def product(self, price="100.00", stock=10, *, title=None, currency="SAR", variants=None, status="published",
                **fields):
        from commerce.catalog import services

        self.use()
        sku = unique("SKU")
        data = {"title": title or unique("Product"), "status": status, **fields,
                "variants": variants or [{"sku": sku, "prices": [{"currency_code": currency, "amount": price}],
                                          "inventory_quantity": stock}]}
        return services.create_product(data)

    def variant(self, product):
        return product.variants.order_by("rank", "created_at").first()

    def shipping(self, amount="20.00", *, code=None, rates=None, is_pickup=False):
        from commerce.regions.services import default_region
        from commerce.shipping.services import save_option

        self.use()
        data = {"region_id": default_region().pk, "name": "Standard", "code": code or unique("std"),
                "is_pickup": is_pickup}
        data["rates"] = rates if rates is not None else [{"amount": amount}]
        return save_option(data)

    def customer(self, password_hash, email=None, **fields):
        from commerce.customers.models import Customer
        from commerce.customers.services import issue_token

        self.use()
        customer = Customer.objects.create(email=email or f"{unique('shopper')}@example.com", password=password_hash,
                                           has_account=True, **fields)
        token, _ = issue_token(customer)
        return customer, token

    def ready_cart(self, variant, quantity=1, *, shipping=None, email="buyer@example.com", token=None):
        """A cart with the item, an email, an address and a shipping method: ready to complete."""
        option = shipping or self.shipping()
        response = self.post("/store/carts", {"email": email, "items": [{"variant_id": variant.pk, "quantity": quantity}],
                                              "shipping_address": ADDRESS}, token=token)
        assert response.status_code == 201, response.json()
        cart_id = response.json()["id"]
        response = self.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": option.pk}, token=token)
        assert response.status_code == 200, response.json()
        return cart_id


ADDRESS = {"first_name": "Sara", "last_name": "Al-Harbi", "address_1": "King Fahd Road 12", "city": "Riyadh",
           "postal_code": "12271", "country_code": "SA", "phone": "+966500000000"}
VISA = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"
NO_FUNDS = "4000 0000 0000 9995"


@pytest.fixture
def store_a(db, tenant_a):
    """Alpha's storefront; the connection is left in alpha's schema for service calls."""
    return Store(tenant_a).use()


@pytest.fixture
def store_b(db, tenant_b):
    return Store(tenant_b)


def money(value) -> Decimal:
    return Decimal(value)
