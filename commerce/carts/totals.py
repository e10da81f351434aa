"""Cart arithmetic: discounts, VAT, shipping and gift cards on already-resolved unit prices.

Pure functions on `Decimal`; every figure is rounded half-up to the currency's minor unit.

- line subtotal = unit price × quantity
- promotions apply in order: percentages, then fixed amounts, then free shipping (by code within
  each kind); each takes its share of what is left of its eligible lines, and a cart-level
  amount is spread over those lines in proportion to their remaining value (largest-remainder
  rounding, so the shares add up to the amount exactly and never exceed a line)
- line tax = (line subtotal − line discount) × the line's rate; shipping tax likewise
- total = subtotal + shipping − discounts + tax − gift cards, never below zero
"""
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from cityos.money import ZERO, quantum, round_money

PERCENTAGE, FIXED, FREE_SHIPPING = "percentage", "fixed", "free_shipping"
_ORDER = {PERCENTAGE: 0, FIXED: 1, FREE_SHIPPING: 2}


@dataclass(frozen=True)
class LineInput:
    key: str
    product_id: str
    quantity: int
    unit_price: Decimal
    tax_rate: Decimal
    discountable: bool = True


@dataclass(frozen=True)
class PromotionInput:
    code: str
    type: str
    value: Decimal
    product_ids: frozenset | None = None  # None: every discountable line


@dataclass
class LineResult:
    key: str
    subtotal: Decimal
    discount_total: Decimal = ZERO
    tax_total: Decimal = ZERO
    total: Decimal = ZERO


@dataclass
class PromotionResult:
    code: str
    amount: Decimal
    applied: bool = True
    reason: str = ""


@dataclass
class Totals:
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    shipping_discount: Decimal
    tax_total: Decimal
    gift_card_total: Decimal
    total: Decimal
    lines: dict[str, LineResult] = field(default_factory=dict)
    promotions: list[PromotionResult] = field(default_factory=list)


def allocate(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Split `amount` in proportion to `weights`, in whole minor units that add up exactly."""
    step = quantum(currency)
    total_weight = sum(weights, ZERO)
    if amount <= 0 or total_weight <= 0:
        return [ZERO for _ in weights]
    units = int((amount / step).to_integral_value())
    exact = [units * w / total_weight for w in weights]
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = units - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in by_remainder[:left]:
        floors[i] += 1
    return [step * n for n in floors]


def compute(currency: str, lines: list[LineInput], promotions: list[PromotionInput] = (),
            shipping_amount: Decimal | None = None, shipping_tax_rate: Decimal = ZERO,
            gift_card_balance: Decimal = ZERO) -> Totals:
    results = {line.key: LineResult(line.key, round_money(line.unit_price * line.quantity, currency)) for line in lines}
    subtotal = sum((r.subtotal for r in results.values()), ZERO)
    shipping = round_money(shipping_amount or ZERO, currency)
    shipping_discount = ZERO
    applied = []

    for promo in sorted(promotions, key=lambda p: (_ORDER.get(p.type, 9), p.code)):
        if promo.type == FREE_SHIPPING:
            amount = shipping - shipping_discount
            shipping_discount += amount
            applied.append(PromotionResult(promo.code, amount, applied=amount > 0,
                                           reason="" if amount > 0 else "no shipping to discount"))
            continue
        eligible = [line for line in lines if line.discountable
                    and (promo.product_ids is None or line.product_id in promo.product_ids)]
        remaining = [results[line.key].subtotal - results[line.key].discount_total for line in eligible]
        base = sum(remaining, ZERO)
        if promo.type == PERCENTAGE:
            amount = round_money(base * min(promo.value, Decimal(100)) / Decimal(100), currency)
        else:
            amount = min(round_money(promo.value, currency), base)
        for line, share in zip(eligible, allocate(amount, remaining, currency)):
            results[line.key].discount_total += share
        applied.append(PromotionResult(promo.code, amount, applied=amount > 0,
                                       reason="" if amount > 0 else "no eligible items"))

    tax_total = ZERO
    for line in lines:
        result = results[line.key]
        result.tax_total = round_money((result.subtotal - result.discount_total) * line.tax_rate, currency)
        result.total = result.subtotal - result.discount_total + result.tax_total
        tax_total += result.tax_total
    tax_total += round_money((shipping - shipping_discount) * shipping_tax_rate, currency)

    discount_total = sum((r.discount_total for r in results.values()), ZERO) + shipping_discount
    before_gift_cards = subtotal + shipping - discount_total + tax_total
    gift_card_total = min(round_money(gift_card_balance, currency), before_gift_cards)
    return Totals(
        currency=currency, subtotal=subtotal, discount_total=discount_total, shipping_total=shipping,
        shipping_discount=shipping_discount, tax_total=tax_total, gift_card_total=gift_card_total,
        total=max(before_gift_cards - gift_card_total, ZERO), lines=results, promotions=applied,
    )
