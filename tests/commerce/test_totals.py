"""Cart arithmetic: VAT, discounts, shipping and gift cards, half-up to the minor unit."""
from decimal import Decimal as D

import pytest

from commerce.carts.totals import LineInput, PromotionInput, allocate, compute

VAT = D("0.15")


def line(key, price, qty, rate=VAT, product="p1", discountable=True):
    return LineInput(key=key, product_id=product, quantity=qty, unit_price=D(price), tax_rate=rate,
                     discountable=discountable)


def test_vat_is_added_per_line_and_on_shipping():
    totals = compute("SAR", [line("a", "100.00", 2), line("b", "9.99", 3)], shipping_amount=D("25.00"),
                     shipping_tax_rate=VAT)
    # 200.00 + 29.97 = 229.97; VAT 30.00 + 4.4955→4.50 + shipping 3.75 = 38.25
    assert totals.subtotal == D("229.97")
    assert totals.lines["b"].tax_total == D("4.50")
    assert totals.tax_total == D("38.25")
    assert totals.total == D("229.97") + D("25.00") + D("38.25")


def test_percentage_discount_is_spread_and_taxed_after_discount():
    totals = compute("SAR", [line("a", "100.00", 1), line("b", "50.00", 1)],
                     [PromotionInput("TEN", "percentage", D("10"))])
    assert (totals.lines["a"].discount_total, totals.lines["b"].discount_total) == (D("10.00"), D("5.00"))
    assert totals.discount_total == D("15.00")
    assert totals.tax_total == D("20.25")  # 15 % of 135.00
    assert totals.total == D("155.25")


def test_fixed_discount_never_exceeds_the_eligible_amount_and_shares_add_up():
    totals = compute("SAR", [line("a", "3.33", 1), line("b", "3.33", 1), line("c", "3.34", 1)],
                     [PromotionInput("TEN", "fixed", D("10.00"))])
    shares = [totals.lines[k].discount_total for k in "abc"]
    assert sum(shares) == D("10.00")
    assert all(share <= D("3.34") for share in shares)
    big = compute("SAR", [line("a", "5.00", 1)], [PromotionInput("BIG", "fixed", D("50"))])
    assert big.discount_total == D("5.00") and big.total == D("0.00")


def test_promotions_limited_to_products_and_non_discountable_lines():
    totals = compute("SAR", [line("a", "100.00", 1, product="p1"), line("b", "100.00", 1, product="p2"),
                             line("c", "100.00", 1, product="p1", discountable=False)],
                     [PromotionInput("P1", "percentage", D("20"), product_ids=frozenset({"p1"}))])
    assert totals.lines["a"].discount_total == D("20.00")
    assert totals.lines["b"].discount_total == D("0")
    assert totals.lines["c"].discount_total == D("0")


def test_percentage_then_fixed_apply_in_order():
    totals = compute("SAR", [line("a", "200.00", 1)],
                     [PromotionInput("FIX", "fixed", D("20")), PromotionInput("PCT", "percentage", D("10"))])
    # 10 % of 200 = 20, then 20 off the remaining 180
    assert [p.amount for p in totals.promotions] == [D("20.00"), D("20.00")]
    assert totals.discount_total == D("40.00")


def test_free_shipping_discounts_shipping_and_its_tax():
    totals = compute("SAR", [line("a", "50.00", 1)], [PromotionInput("SHIP", "free_shipping", D("0"))],
                     shipping_amount=D("25.00"), shipping_tax_rate=VAT)
    assert totals.shipping_total == D("25.00")
    assert totals.shipping_discount == D("25.00")
    assert totals.tax_total == D("7.50")
    assert totals.total == D("57.50")


def test_gift_card_pays_after_tax_and_never_below_zero():
    totals = compute("SAR", [line("a", "100.00", 1)], gift_card_balance=D("40.00"))
    assert (totals.gift_card_total, totals.total) == (D("40.00"), D("75.00"))
    more = compute("SAR", [line("a", "100.00", 1)], gift_card_balance=D("500.00"))
    assert (more.gift_card_total, more.total) == (D("115.00"), D("0.00"))


def test_identity_holds_for_every_figure():
    totals = compute("SAR", [line("a", "19.99", 7), line("b", "0.05", 3, rate=D("0"))],
                     [PromotionInput("PCT", "percentage", D("12.5"))], shipping_amount=D("14.50"),
                     shipping_tax_rate=VAT, gift_card_balance=D("10"))
    assert totals.total == (totals.subtotal + totals.shipping_total - totals.discount_total + totals.tax_total
                            - totals.gift_card_total)
    assert totals.tax_total == sum(r.tax_total for r in totals.lines.values()) + D("2.18")  # 14.50 × 0.15 = 2.175


def test_three_decimal_currency_rounds_to_fils():
    totals = compute("KWD", [line("a", "1.234", 3)])
    assert totals.subtotal == D("3.702")
    assert totals.tax_total == D("0.555")  # 0.5553


def test_half_up_rounding():
    totals = compute("SAR", [line("a", "0.10", 1, rate=D("0.05"))])  # 0.005 → 0.01
    assert totals.tax_total == D("0.01")


@pytest.mark.parametrize("amount, weights, expected", [
    ("10.00", ["1", "1", "1"], ["3.34", "3.33", "3.33"]),
    ("0.01", ["5", "5"], ["0.01", "0.00"]),
    ("7.00", ["0", "3", "4"], ["0.00", "3.00", "4.00"]),
])
def test_allocate_adds_up_exactly(amount, weights, expected):
    shares = allocate(D(amount), [D(w) for w in weights], "SAR")
    assert [str(s) for s in shares] == expected
    assert sum(shares) == D(amount)
