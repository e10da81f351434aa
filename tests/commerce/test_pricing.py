"""Unit prices from price lists and volume tiers; VAT from tax rules; the cart applies them all."""
from datetime import timedelta
from decimal import Decimal as D

from django.utils import timezone

from commerce.customers.models import CustomerGroup
from commerce.pricing.services import PriceRequest, resolve_unit_prices, save_price_list, save_tax_rule, \
    save_volume_pricing
from commerce.regions.services import default_region
from tests.commerce.conftest import ADDRESS


def _price(variant, qty=1, groups=()):
    return resolve_unit_prices([PriceRequest(variant.pk, variant.product_id, qty)], "SAR", group_ids=groups)[variant.pk]


def test_sale_list_applies_only_when_cheaper_and_inside_its_window(store_a):
    variant = store_a.variant(store_a.product(price="100.00"))
    now = timezone.now()
    save_price_list({"name": "Eid sale", "type": "sale", "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("80.00")}]})
    save_price_list({"name": "Not cheaper", "type": "sale", "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("120.00")}]})
    save_price_list({"name": "Later", "type": "sale", "starts_at": now + timedelta(days=1), "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("10.00")}]})
    save_price_list({"name": "Over", "type": "sale", "ends_at": now - timedelta(minutes=1),
                     "starts_at": now - timedelta(days=2), "prices": [
                         {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("11.00")}]})
    save_price_list({"name": "Draft", "type": "sale", "status": "draft", "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("12.00")}]})
    price = _price(variant)
    assert price.amount == D("80.00") and price.base_amount == D("100.00")
    assert price.source.startswith("price_list:")


def test_group_override_replaces_the_price_even_when_higher(store_a):
    variant = store_a.variant(store_a.product(price="100.00"))
    b2b = CustomerGroup.objects.create(name="B2B contract")
    save_price_list({"name": "Contract", "type": "override", "customer_group_ids": [b2b.pk], "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("105.00")}]})
    assert _price(variant).amount == D("100.00")  # not in the group
    assert _price(variant, groups=[b2b.pk]).amount == D("105.00")


def test_price_list_minimum_quantity(store_a):
    variant = store_a.variant(store_a.product(price="10.00"))
    save_price_list({"name": "Bulk", "prices": [
        {"variant_id": variant.pk, "currency_code": "SAR", "amount": D("8.00"), "min_quantity": 12}]})
    assert _price(variant, 11).amount == D("10.00")
    assert _price(variant, 12).amount == D("8.00")


def test_volume_tiers_for_a_variant_and_for_a_product_summed_over_variants(store_a):
    product = store_a.product(variants=[
        {"sku": "TIER-A", "prices": [{"currency_code": "SAR", "amount": "20.00"}], "inventory_quantity": 100},
        {"sku": "TIER-B", "prices": [{"currency_code": "SAR", "amount": "30.00"}], "inventory_quantity": 100}])
    a, b = product.variants.order_by("sku")
    save_volume_pricing({"name": "Product tiers", "product_id": product.pk, "tiers": [
        {"min_quantity": 5, "max_quantity": 9, "discount_type": "percentage", "value": D("10")},
        {"min_quantity": 10, "discount_type": "percentage", "value": D("20")}]})
    save_volume_pricing({"name": "A fixed", "variant_id": a.pk, "tiers": [
        {"min_quantity": 3, "discount_type": "fixed_price", "value": D("15.00"), "currency_code": "SAR"}]})
    prices = resolve_unit_prices([PriceRequest(a.pk, product.pk, 3), PriceRequest(b.pk, product.pk, 3)], "SAR")
    # 6 units of the product: 10 % tier; A also has its own fixed 15.00 at 3+, which is cheaper
    assert prices[a.pk].amount == D("15.00")
    assert prices[b.pk].amount == D("27.00")
    prices = resolve_unit_prices([PriceRequest(b.pk, product.pk, 2)], "SAR")
    assert prices[b.pk].amount == D("30.00")


def test_tax_rules_priority_specificity_and_exemptions(store_a):
    from commerce.catalog.services import create_category
    from commerce.pricing.tax import TaxSubject, rate_for, region_rules

    region = default_region()
    medicine = create_category(name="Medicine")
    exempt = CustomerGroup.objects.create(name="Diplomats")
    save_tax_rule({"region_id": region.pk, "name": "Medicine zero-rated", "rate": "0", "category_id": medicine.pk})
    save_tax_rule({"region_id": region.pk, "name": "Services 5 %", "rate": "0.05", "product_kind": "service"})
    save_tax_rule({"region_id": region.pk, "name": "Diplomatic exemption", "rate": "0", "priority": 10,
                   "customer_group_id": exempt.pk})
    rules = region_rules(region)
    assert rate_for(rules, TaxSubject("p", "physical"), [], region.tax_rate)[0] == D("0.15")
    assert rate_for(rules, TaxSubject("p", "physical", frozenset({medicine.pk})), [], region.tax_rate)[0] == D("0")
    assert rate_for(rules, TaxSubject("p", "service"), [], region.tax_rate)[0] == D("0.05")
    assert rate_for(rules, TaxSubject("p", "service"), [exempt.pk], region.tax_rate)[0] == D("0")


def test_cart_totals_combine_price_lists_tiers_promotions_vat_and_shipping(store_a, password_hash):
    from commerce.promotions.services import save_promotion

    vip = CustomerGroup.objects.create(name="VIP shoppers")
    customer, token = store_a.customer(password_hash)
    customer.groups.add(vip)
    dates = store_a.variant(store_a.product(price="50.00", stock=100))
    honey = store_a.variant(store_a.product(price="90.00", stock=100))
    save_price_list({"name": "VIP honey", "customer_group_ids": [vip.pk], "prices": [
        {"variant_id": honey.pk, "currency_code": "SAR", "amount": D("76.50")}]})
    save_volume_pricing({"name": "Dates 10+", "variant_id": dates.pk, "tiers": [
        {"min_quantity": 10, "discount_type": "percentage", "value": D("10")}]})
    save_promotion({"code": "TOTALS5", "type": "percentage", "value": D("5")})
    option = store_a.shipping(rates=[{"amount": "0", "min_subtotal": "1000"}, {"amount": "30.00"}])

    cart = store_a.post("/store/carts", {"items": [{"variant_id": dates.pk, "quantity": 10},
                                                   {"variant_id": honey.pk, "quantity": 1}],
                                         "shipping_address": ADDRESS}, token=token).json()
    cart_id = cart["id"]
    store_a.post(f"/store/carts/{cart_id}/promotions", {"code": "totals5"}, token=token)
    cart = store_a.post(f"/store/carts/{cart_id}/shipping-methods", {"option_id": option.pk}, token=token).json()

    lines = {line["variant_id"]: line for line in cart["items"]}
    assert lines[dates.pk]["unit_price"] == "45.00" and lines[dates.pk]["price_source"].startswith("volume:")
    assert lines[honey.pk]["unit_price"] == "76.50" and lines[honey.pk]["price_source"].startswith("price_list:")
    # subtotal 450.00 + 76.50 = 526.50; 5 % off = 26.33 (22.50 + 3.83, spread by value)
    assert cart["subtotal"] == "526.50"
    assert (lines[dates.pk]["discount_total"], lines[honey.pk]["discount_total"]) == ("22.50", "3.83")
    assert cart["discount_total"] == "26.33"
    # VAT: (427.50 + 72.67) × 15 % = 64.13 + 10.90; shipping 30.00 × 15 % = 4.50
    assert (lines[dates.pk]["tax_total"], lines[honey.pk]["tax_total"]) == ("64.13", "10.90")
    assert cart["shipping_total"] == "30.00"
    assert cart["tax_total"] == "79.53"
    assert cart["total"] == "609.70"  # 526.50 + 30.00 − 26.33 + 79.53
