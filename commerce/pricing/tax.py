"""Which VAT rate applies to a line.

Among the region's tax rules, those whose every selector matches the line (product, one of the
product's categories, product kind, one of the shopper's customer groups) compete; the one with
the highest `priority` wins, then the most specific (most selectors set). A rule without
selectors is the region's default; with no rule at all the region's `tax_rate` applies.
Shipping is taxed at the region's default rate.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from commerce.pricing.models import TaxRule


@dataclass(frozen=True)
class TaxSubject:
    product_id: str
    kind: str
    category_ids: frozenset = field(default_factory=frozenset)


def _matches(rule: TaxRule, subject: TaxSubject, group_ids: set) -> bool:
    return ((not rule.product_id or rule.product_id == subject.product_id)
            and (not rule.category_id or rule.category_id in subject.category_ids)
            and (not rule.product_kind or rule.product_kind == subject.kind)
            and (not rule.customer_group_id or rule.customer_group_id in group_ids))


def region_rules(region) -> list[TaxRule]:
    return list(TaxRule.objects.filter(region=region))


def rate_for(rules: list[TaxRule], subject: TaxSubject, group_ids, fallback: Decimal) -> tuple[Decimal, str]:
    """(rate, rule name) for one subject."""
    group_ids = set(group_ids)
    matching = [r for r in rules if _matches(r, subject, group_ids)]
    if not matching:
        return Decimal(fallback), "region"
    best = max(matching, key=lambda r: (r.priority, r.specificity, r.is_default))
    return best.rate, best.name


def shipping_rate(rules: list[TaxRule], fallback: Decimal) -> Decimal:
    defaults = [r for r in rules if r.specificity == 0]
    if not defaults:
        return Decimal(fallback)
    return max(defaults, key=lambda r: (r.priority, r.is_default)).rate
