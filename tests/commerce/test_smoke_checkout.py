from tests.commerce.conftest import VISA


def test_a_shopper_buys_a_product(store_a):
    product = store_a.product(price="100.00", stock=5)
    cart_id = store_a.ready_cart(store_a.variant(product), 2)
    response = store_a.post(f"/store/carts/{cart_id}/complete", {"payment_method": VISA})
    assert response.status_code == 201, response.json()
    order = response.json()["order"]
    assert order["total"] == "250.00"
