"""Store API of customers: registration, tokens, profile, addresses, loyalty balance."""
import pytest

from commerce.customers.models import Customer
from commerce.customers.services import guest_for_email
from commerce.loyalty.services import add_points
from tests.commerce.conftest import ADDRESS, PASSWORD, unique
from workflows.models import EventOutbox


def register(store, email=None, password=PASSWORD, **extra):
    return store.post("/store/customers", {"email": email or f"{unique('new')}@example.com", "password": password,
                                           "first_name": "Layla", **extra})


def test_register_then_sign_in_then_read_me(store_a):
    email = f"{unique('reg')}@Example.com"
    response = register(store_a, email=email)
    assert response.status_code == 201, response.json()
    customer = response.json()
    assert customer["email"] == email.lower() and customer["has_account"] is True
    assert "password" not in customer
    assert EventOutbox.objects.filter(event_type="customer.created", aggregate_id=customer["id"]).exists()

    token = store_a.post("/store/auth/token", {"email": email, "password": PASSWORD})
    assert token.status_code == 201
    me = store_a.get("/store/customers/me", token=token.json()["token"])
    assert me.status_code == 200 and me.json()["id"] == customer["id"]


@pytest.mark.parametrize("payload, field", [
    ({"email": "not-an-email", "password": PASSWORD}, "email"),
    ({"email": "weak@example.com", "password": "12345678"}, "password"),
    ({"email": "short@example.com", "password": "abc"}, "password"),
    ({"password": PASSWORD}, "email"),
])
def test_registration_with_bad_input_is_refused_with_the_field(store_a, payload, field):
    response = store_a.post("/store/customers", payload)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_registering_an_email_twice_is_a_conflict_but_a_guest_becomes_the_account(store_a):
    email = f"{unique('dup')}@example.com"
    assert register(store_a, email=email).status_code == 201
    again = register(store_a, email=email)
    assert again.status_code == 409 and again.json()["error"]["code"] == "email_taken"

    guest = guest_for_email(f"{unique('guest')}@example.com")
    upgraded = register(store_a, email=guest.email)
    assert upgraded.status_code == 201 and upgraded.json()["id"] == guest.pk


def test_wrong_password_or_unknown_email_gives_the_same_401(store_a, password_hash):
    customer, _ = store_a.customer(password_hash)
    for email, password in ((customer.email, "wrong-password-1"), ("nobody@example.com", PASSWORD)):
        response = store_a.post("/store/auth/token", {"email": email, "password": password})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"


def test_customer_calls_need_a_valid_token(store_a):
    assert store_a.get("/store/customers/me").status_code == 401
    response = store_a.get("/store/customers/me", token="cst_forged")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"
    assert store_a.get("/store/orders").status_code == 401


def test_sign_out_revokes_the_token(store_a, password_hash):
    _, token = store_a.customer(password_hash)
    assert store_a.delete("/store/auth/token", token=token).status_code == 204
    assert store_a.get("/store/customers/me", token=token).status_code == 401


def test_update_profile_and_email_uniqueness(store_a, password_hash):
    customer, token = store_a.customer(password_hash)
    other, _ = store_a.customer(password_hash)
    response = store_a.post("/store/customers/me", {"first_name": "Huda", "phone": "+966511111111"}, token=token)
    assert response.status_code == 200 and response.json()["first_name"] == "Huda"
    taken = store_a.post("/store/customers/me", {"email": other.email}, token=token)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "email_taken"


def test_addresses_crud_and_isolation_between_customers(store_a, password_hash):
    _, token = store_a.customer(password_hash)
    _, other_token = store_a.customer(password_hash)
    created = store_a.post("/store/customers/me/addresses", {**ADDRESS, "is_default_shipping": True}, token=token)
    assert created.status_code == 201
    address_id = created.json()["id"]
    assert [a["id"] for a in store_a.get("/store/customers/me/addresses", token=token).json()] == [address_id]
    updated = store_a.post(f"/store/customers/me/addresses/{address_id}", {"city": "Jeddah"}, token=token)
    assert updated.json()["city"] == "Jeddah"
    assert store_a.post(f"/store/customers/me/addresses/{address_id}", {"city": "X"}, token=other_token).status_code == 404
    bad = store_a.post("/store/customers/me/addresses", {**ADDRESS, "country_code": "Saudi"}, token=token)
    assert bad.status_code == 400 and "country_code" in bad.json()["error"]["fields"]
    assert store_a.delete(f"/store/customers/me/addresses/{address_id}", token=token).status_code == 204
    assert store_a.get("/store/customers/me/addresses", token=token).json() == []


def test_loyalty_balance_of_the_signed_in_customer(store_a, password_hash):
    customer, token = store_a.customer(password_hash)
    add_points(customer.pk, 1200, reason="test")
    balance = store_a.get("/store/customers/me/loyalty", token=token).json()
    assert (balance["balance"], balance["tier"]) == (1200, "silver")


def test_customers_of_one_tenant_do_not_exist_in_another(store_a, store_b, password_hash):
    _, token = store_a.customer(password_hash)
    assert store_b.get("/store/customers/me", token=token).status_code == 401
    store_a.use()
    assert Customer.objects.count() >= 1
