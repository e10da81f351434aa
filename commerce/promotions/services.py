"""Promotions: management, eligibility checks, and usage recorded at order placement."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound, Unprocessable
from commerce.carts.totals import PromotionInput
from commerce.promotions.models import Promotion, PromotionType, PromotionUsage

EDITABLE = ("name", "description", "type", "value", "currency_code", "minimum_subtotal", "usage_limit",
            "per_customer_limit", "starts_at", "ends_at", "is_active", "metadata")

REASONS = {
    "promotion_inactive": "This code is not active.",
    "promotion_not_started": "This code is not valid yet.",
    "promotion_expired": "This code has expired.",
    "promotion_exhausted": "This code has been used up.",
    "promotion_customer_limit_reached": "You have already used this code as often as allowed.",
    "promotion_minimum_not_met": "The cart's subtotal is below this code's minimum.",
    "promotion_currency_mismatch": "This code is for another currency.",
    "promotion_customer_group": "This code is reserved for other customers.",
}


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def get_by_code(code: str) -> Promotion:
    promotion = Promotion.objects.filter(code=normalize_code(code)).first()
    if promotion is None:
        raise NotFound(f"No promotion with code {normalize_code(code)}.", code="promotion_not_found",
                       fields={"code": ["Unknown code."]})
    return promotion


@dataclass(frozen=True)
class Shopper:
    email: str = ""
    group_ids: frozenset = frozenset()


def ineligibility(promotion: Promotion, *, currency: str, subtotal: Decimal, shopper: Shopper,
                  now: datetime | None = None) -> str | None:
    """Why the promotion cannot apply to this cart now (a code of REASONS), or None."""
    now = now or timezone.now()
    if not promotion.is_active:
        return "promotion_inactive"
    if promotion.starts_at and now < promotion.starts_at:
        return "promotion_not_started"
    if promotion.ends_at and now >= promotion.ends_at:
        return "promotion_expired"
    if promotion.usage_limit is not None and promotion.usage_count >= promotion.usage_limit:
        return "promotion_exhausted"
    if promotion.currency_code and promotion.currency_code.upper() != currency.upper():
        return "promotion_currency_mismatch"
    if promotion.minimum_subtotal is not None and subtotal < promotion.minimum_subtotal:
        return "promotion_minimum_not_met"
    groups = set(promotion.customer_groups.values_list("pk", flat=True))
    if groups and not groups & set(shopper.group_ids):
        return "promotion_customer_group"
    if promotion.per_customer_limit is not None and shopper.email:
        used = PromotionUsage.objects.filter(promotion=promotion, email=shopper.email.lower()).count()
        if used >= promotion.per_customer_limit:
            return "promotion_customer_limit_reached"
    return None


def raise_if_ineligible(promotion: Promotion, **kwargs) -> None:
    reason = ineligibility(promotion, **kwargs)
    if reason:
        raise Unprocessable(REASONS[reason], code=reason, fields={"code": [REASONS[reason]]})


def as_input(promotion: Promotion) -> PromotionInput:
    product_ids = frozenset(promotion.products.values_list("pk", flat=True))
    return PromotionInput(code=promotion.code, type=promotion.type, value=promotion.value,
                          product_ids=product_ids or None)


def record_usage(applied: list[tuple[str, Decimal]], *, order_id: str, email: str, customer_id: str = "") -> None:
    """Count each applied promotion once for the order, under a row lock so `usage_limit` holds
    under concurrency; raises Conflict `promotion_exhausted` when the last use was taken."""
    codes = sorted({code for code, _ in applied})
    if not codes:
        return
    locked = {p.code: p for p in Promotion.objects.select_for_update().filter(code__in=codes).order_by("pk")}
    for code, amount in applied:
        promotion = locked[code]
        if promotion.usage_limit is not None and promotion.usage_count >= promotion.usage_limit:
            raise Conflict(f"The code {code} has just been used up.", code="promotion_exhausted",
                           fields={"code": [REASONS["promotion_exhausted"]]})
        promotion.usage_count += 1
        promotion.save(update_fields=["usage_count", "updated_at"])
        PromotionUsage.objects.create(promotion=promotion, order_id=order_id, customer_id=customer_id or "",
                                      email=email.lower(), amount=amount)


def release_usage(order_id: str) -> None:
    """Give back the uses of a cancelled order."""
    promotion_ids = sorted(PromotionUsage.objects.filter(order_id=order_id).values_list("promotion_id", flat=True))
    for promotion_id in promotion_ids:
        Promotion.objects.filter(pk=promotion_id, usage_count__gt=0).update(usage_count=F("usage_count") - 1)
    PromotionUsage.objects.filter(order_id=order_id).delete()


# -- management ------------------------------------------------------------------------------------

def _decimal(value, field):
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{field} is not a number.", fields={field: ["A decimal number."]}) from None
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{field} must be 0 or more.", fields={field: ["0 or more."]})
    return number


def save_promotion(data: dict, promotion: Promotion | None = None) -> Promotion:
    """Create or update: {code, name, description, type percentage|fixed|free_shipping, value,
    currency_code, minimum_subtotal, usage_limit, per_customer_limit, starts_at, ends_at,
    is_active, product_ids, customer_group_ids, metadata}."""
    creating = promotion is None
    promotion = promotion or Promotion()
    if "code" in data or creating:
        code = normalize_code(data.get("code", ""))
        if not code or len(code) > 60 or not all(ch.isalnum() or ch in "-_" for ch in code):
            raise InvalidInput("A code is letters, digits, - and _.", fields={"code": ["Like WELCOME10."]})
        if Promotion.objects.filter(code=code).exclude(pk=promotion.pk).exists():
            raise Conflict(f"The code {code} exists.", code="promotion_code_taken", fields={"code": ["Already in use."]})
        promotion.code = code
    for field in EDITABLE:
        if field in data:
            value = data[field]
            if field in ("value", "minimum_subtotal"):
                value = _decimal(value, field) if field == "minimum_subtotal" else (_decimal(value, field) or Decimal(0))
            if field == "currency_code":
                value = (value or "").upper()
            setattr(promotion, field, value)
    if promotion.type not in PromotionType.values:
        raise InvalidInput("Unknown promotion type.", fields={"type": [f"One of {', '.join(PromotionType.values)}."]})
    if promotion.type == PromotionType.PERCENTAGE and not (0 < promotion.value <= 100):
        raise InvalidInput("A percentage is above 0 and at most 100.", fields={"value": ["Between 0 and 100."]})
    if promotion.type == PromotionType.FIXED:
        if promotion.value <= 0:
            raise InvalidInput("A fixed amount is above 0.", fields={"value": ["Above 0."]})
        if len(promotion.currency_code) != 3:
            raise InvalidInput("A fixed amount needs its currency.", fields={"currency_code": ["Like SAR."]})
    if promotion.starts_at and promotion.ends_at and promotion.ends_at <= promotion.starts_at:
        raise InvalidInput("The window ends before it starts.", fields={"ends_at": ["Must be after starts_at."]})
    with transaction.atomic():
        promotion.save()
        if "product_ids" in data:
            from commerce.catalog.models import Product

            products = list(Product.objects.filter(pk__in=data["product_ids"] or []))
            if len(products) != len(set(data["product_ids"] or [])):
                raise InvalidInput("Unknown product.", fields={"product_ids": ["Unknown product."]})
            promotion.products.set(products)
        if "customer_group_ids" in data:
            from commerce.pricing.services import _groups

            promotion.customer_groups.set(_groups(data["customer_group_ids"]))
    return promotion


def get_promotion(promotion_id: str) -> Promotion:
    promotion = Promotion.objects.filter(pk=promotion_id).first()
    if promotion is None:
        raise NotFound(f"No promotion {promotion_id}.", code="promotion_not_found")
    return promotion
