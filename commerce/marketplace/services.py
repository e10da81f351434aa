"""Marketplace services: vendors, the vendor split of orders with their commissions, the release,
reversal and payout of vendor shares.

Workflows call these (never the models) so every change is locked, validated and evented in one
transaction. Functions that a workflow step may repeat are idempotent: splitting an order twice
returns the first split, releasing released shares changes nothing, a reversal with a used
`idempotency_key` is not written again.
"""
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.text import slugify

from cityos.errors import Conflict, InvalidInput, NotFound
from cityos.money import ZERO, fmt, percent_of, round_money, to_decimal
from commerce import events
from commerce.catalog.models import Product
from commerce.core.lookups import get_one
from commerce.marketplace.models import (
    CommissionKind, CommissionRule, CommissionStatus, CommissionTransaction, Payout, PayoutStatus, Vendor,
    VendorOrder, VendorOrderItem, VendorOrderStatus, VendorProduct, VendorStatus,
)
from commerce.orders.models import Order

VENDOR_FIELDS = ("name", "email", "phone", "status", "commission_rate", "uses_escrow", "escrow_days",
                 "minimum_payout", "address", "stripe_account_id", "erp_supplier", "metadata")


def default_commission_rate() -> Decimal:
    return to_decimal(str(getattr(settings, "MARKETPLACE_COMMISSION_RATE", "0.10")))


# -- vendors ---------------------------------------------------------------------------------------

def get_vendor(vendor_id: str) -> Vendor:
    vendor = Vendor.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise NotFound(f"No vendor {vendor_id}.", code="vendor_not_found")
    return vendor


def _check_vendor_data(data: dict) -> None:
    rate = data.get("commission_rate")
    if rate is not None and not (ZERO <= to_decimal(rate) <= 1):
        raise InvalidInput("A commission rate is a fraction between 0 and 1.",
                           fields={"commission_rate": ["Between 0 and 1 (0.10 = 10 %)."]})
    if data.get("status") and data["status"] not in VendorStatus.values:
        raise InvalidInput("Unknown vendor status.", fields={"status": [f"One of {', '.join(VendorStatus.values)}."]})
    address = data.get("address")
    if address is not None and not isinstance(address, dict):
        raise InvalidInput("The address is an object.", fields={"address": ["An object."]})


def create_vendor(*, name: str, email: str, handle: str | None = None, **data) -> Vendor:
    unknown = set(data) - set(VENDOR_FIELDS)
    if unknown:
        raise InvalidInput("Unknown vendor fields.", fields={name: ["Unknown field."] for name in sorted(unknown)})
    _check_vendor_data(data)
    handle = slugify(handle or name)[:80]
    if not handle:
        raise InvalidInput("A vendor needs a name.", fields={"name": ["This field is required."]})
    with transaction.atomic():
        if Vendor.objects.filter(handle=handle).exists():
            raise Conflict(f"A vendor with the handle {handle!r} exists.", code="vendor_exists",
                           fields={"handle": ["Already used."]})
        vendor = Vendor.objects.create(name=name, email=email.strip().lower(), handle=handle, **data)
        events.emit(events.VENDOR_CREATED, vendor.id, {
            "vendor_id": vendor.id, "handle": vendor.handle, "name": vendor.name, "email": vendor.email,
            "status": vendor.status, "uses_escrow": vendor.uses_escrow})
    return vendor


def update_vendor(vendor_id: str, data: dict) -> Vendor:
    unknown = set(data) - set(VENDOR_FIELDS) - {"identity_verified_at", "kyc_session_id"}
    if unknown:
        raise InvalidInput("Unknown vendor fields.", fields={name: ["Unknown field."] for name in sorted(unknown)})
    _check_vendor_data(data)
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
        if vendor is None:
            raise NotFound(f"No vendor {vendor_id}.", code="vendor_not_found")
        changes = [name for name, value in data.items() if getattr(vendor, name) != value]
        for name in changes:
            setattr(vendor, name, data[name])
        if changes:
            vendor.save()
            _vendor_updated(vendor, changes)
    return vendor


def _vendor_updated(vendor: Vendor, changes: list[str]) -> None:
    events.emit(events.VENDOR_UPDATED, vendor.id, {"vendor_id": vendor.id, "handle": vendor.handle,
                                                   "status": vendor.status, "changes": changes})


def assign_products(vendor_id: str, product_ids: list[str]) -> int:
    """Make `vendor` the seller of the products (a product has one vendor); returns how many."""
    vendor = get_vendor(vendor_id)
    known = set(Product.objects.filter(pk__in=product_ids).values_list("pk", flat=True))
    missing = [pid for pid in product_ids if pid not in known]
    if missing:
        raise InvalidInput("Unknown products.", fields={"product_ids": [f"Unknown: {', '.join(missing[:10])}."]})
    with transaction.atomic():
        for product_id in product_ids:
            VendorProduct.objects.update_or_create(product_id=product_id, defaults={"vendor": vendor})
        _vendor_updated(vendor, ["products"])
    return len(product_ids)


def vendors_for_products(product_ids) -> dict[str, Vendor]:
    """{product_id: vendor} for the products that have a vendor (one query)."""
    links = VendorProduct.objects.filter(product_id__in=list(product_ids)).select_related("vendor")
    return {link.product_id: link.vendor for link in links}


def routing_of(lines, currency: str) -> dict:
    """What an order's lines mean for the marketplace (the `order.placed` payload keys):
    `vendor_ids`, `is_multi_vendor`, `escrow` and `items_by_vendor` [{vendor_id, items}]."""
    vendors = vendors_for_products({line.product_id for line in lines})
    by_vendor = defaultdict(list)
    for line in lines:
        vendor = vendors.get(line.product_id)
        if vendor is not None:
            by_vendor[vendor.id].append({"line_item_id": line.pk, "variant_id": line.variant_id,
                                         "quantity": line.quantity, "price": fmt(line.unit_price, currency)})
    escrow = any(vendors[line.product_id].uses_escrow for line in lines if line.product_id in vendors)
    return {"vendor_ids": sorted(by_vendor), "is_multi_vendor": len(by_vendor) > 1, "escrow": escrow,
            "items_by_vendor": [{"vendor_id": vendor_id, "items": items} for vendor_id, items in sorted(by_vendor.items())]}


# -- commission rules ------------------------------------------------------------------------------

def _active_rules(now):
    return [rule for rule in CommissionRule.objects.filter(is_active=True).filter(
        Q(starts_at__isnull=True) | Q(starts_at__lte=now)).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))]


def _rule_for(rules, vendor: Vendor, product: Product | None, category_ids: set[str]):
    def specificity(rule):
        if rule.vendor_id:
            return 3
        if rule.category_id:
            return 2
        if rule.product_kind:
            return 1
        return 0

    matching = [rule for rule in rules
                if (not rule.vendor_id or rule.vendor_id == vendor.id)
                and (not rule.category_id or rule.category_id in category_ids)
                and (not rule.product_kind or (product is not None and rule.product_kind == product.kind))]
    if not matching:
        return None
    return max(matching, key=lambda rule: (specificity(rule), rule.priority))


def commission_rate_for(vendor: Vendor, rule) -> tuple[Decimal, Decimal]:
    """(rate, flat fee per line): the rule's, else the vendor's own rate, else the default."""
    if rule is not None:
        return rule.rate, rule.flat_fee
    if vendor.commission_rate is not None:
        return vendor.commission_rate, ZERO
    return default_commission_rate(), ZERO


def save_commission_rule(data: dict, rule_id: str | None = None) -> CommissionRule:
    rate = data.get("rate")
    if rate is not None and not (ZERO <= to_decimal(rate) <= 1):
        raise InvalidInput("A commission rate is a fraction between 0 and 1.", fields={"rate": ["Between 0 and 1."]})
    if data.get("vendor_id"):
        get_vendor(data["vendor_id"])
    with transaction.atomic():
        rule = CommissionRule() if rule_id is None else CommissionRule.objects.select_for_update().filter(
            pk=rule_id).first()
        if rule is None:
            raise NotFound(f"No commission rule {rule_id}.", code="commission_rule_not_found")
        for name in ("name", "vendor_id", "category_id", "product_kind", "rate", "flat_fee", "priority", "is_active",
                     "starts_at", "ends_at"):
            if name in data:
                setattr(rule, name, data[name] if data[name] is not None or name in ("vendor_id", "starts_at",
                                                                                     "ends_at") else "")
        if rule.rate is None:
            raise InvalidInput("A rule needs a rate.", fields={"rate": ["This field is required."]})
        rule.save()
    return rule


# -- the vendor split of an order ------------------------------------------------------------------

def vendor_orders_of(order_id: str):
    return VendorOrder.objects.filter(order_id=order_id).select_related("vendor").order_by("vendor__name")


def split_order(order_id: str) -> list[VendorOrder]:
    """Split the order's vendor lines into one vendor order per vendor and record each vendor's
    commission (`sale` transactions, `pending`). Lines without a vendor stay the tenant's own.
    Idempotent: an order split before returns its vendor orders."""
    with transaction.atomic():
        order = get_one(Order.objects.all(), order_id, lock=True, what="order", code="order_not_found")
        existing = list(vendor_orders_of(order_id))
        if existing:
            return existing
        lines = list(order.items.all())
        vendors = vendors_for_products({line.product_id for line in lines})
        if not vendors:
            return []
        products = Product.objects.in_bulk({line.product_id for line in lines})
        categories = defaultdict(set)
        for product_id, category_id in Product.categories.through.objects.filter(
                product_id__in=list(products)).values_list("product_id", "productcategory_id"):
            categories[product_id].add(category_id)
        rules = _active_rules(timezone.now())
        currency = order.currency_code
        grouped = defaultdict(list)
        for line in lines:
            if line.product_id in vendors:
                grouped[vendors[line.product_id].id].append(line)
        created = []
        for vendor_id, vendor_lines in sorted(grouped.items()):
            vendor = vendors[vendor_lines[0].product_id]
            vendor_order = VendorOrder.objects.create(order=order, vendor=vendor, currency_code=currency)
            subtotal = commission = ZERO
            items = []
            for line in vendor_lines:
                product = products.get(line.product_id)
                rate, fee = commission_rate_for(vendor, _rule_for(rules, vendor, product, categories[line.product_id]))
                line_commission = min(line.total, percent_of(line.total, rate, currency) + round_money(fee, currency))
                items.append(VendorOrderItem(vendor_order=vendor_order, line_item=line, quantity=line.quantity,
                                             total=line.total, commission_rate=rate, commission_amount=line_commission))
                subtotal += line.total
                commission += line_commission
            VendorOrderItem.objects.bulk_create(items)
            vendor_order.subtotal, vendor_order.commission_amount = subtotal, commission
            vendor_order.net_amount = subtotal - commission
            vendor_order.save(update_fields=["subtotal", "commission_amount", "net_amount", "updated_at"])
            CommissionTransaction.objects.create(
                vendor=vendor, vendor_order=vendor_order, order_id=order.id, kind=CommissionKind.SALE,
                status=CommissionStatus.PENDING, currency_code=currency, gross=subtotal, commission=commission,
                net=subtotal - commission, idempotency_key=f"{vendor_order.id}:sale")
            events.emit(events.VENDOR_ORDER_CREATED, vendor_order.id, {
                "vendor_order_id": vendor_order.id, "order_id": order.id, "vendor_id": vendor.id,
                "currency_code": currency, "subtotal": fmt(subtotal, currency),
                "commission_amount": fmt(commission, currency), "net_amount": fmt(subtotal - commission, currency),
                "items": [{"line_item_id": item.line_item_id, "quantity": item.quantity,
                           "total": fmt(item.total, currency), "commission_rate": str(item.commission_rate)}
                          for item in items]})
            created.append(vendor_order)
    return created


def set_vendor_order_status(vendor_order_id: str, status: str, *, delivery_order_id: str | None = None,
                            tracking_number: str | None = None) -> VendorOrder:
    """Move a vendor order along (accepted → fulfilling → delivered, or cancelled); a cancelled or
    delivered vendor order keeps its state."""
    if status not in VendorOrderStatus.values:
        raise InvalidInput("Unknown vendor order status.", fields={"status": ["Unknown."]})
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().filter(pk=vendor_order_id).first()
        if vendor_order is None:
            raise NotFound(f"No vendor order {vendor_order_id}.", code="vendor_order_not_found")
        final = (VendorOrderStatus.CANCELED, VendorOrderStatus.DELIVERED)
        changed = False
        if vendor_order.status not in final and vendor_order.status != status:
            vendor_order.status = status
            if status == VendorOrderStatus.DELIVERED:
                vendor_order.delivered_at = timezone.now()
            changed = True
        for name, value in (("delivery_order_id", delivery_order_id), ("tracking_number", tracking_number)):
            if value is not None and getattr(vendor_order, name) != value:
                setattr(vendor_order, name, value)
                changed = True
        if changed:
            vendor_order.save()
            events.emit(events.VENDOR_ORDER_UPDATED, vendor_order.id, {
                "vendor_order_id": vendor_order.id, "order_id": vendor_order.order_id,
                "vendor_id": vendor_order.vendor_id, "status": vendor_order.status,
                "delivery_order_id": vendor_order.delivery_order_id, "tracking_number": vendor_order.tracking_number})
    return vendor_order


def allocate_payment(order_id: str) -> list[dict]:
    """Record that the order's captured payment covers each vendor order (its share is now backed
    by captured money); returns the allocations."""
    allocations = []
    with transaction.atomic():
        for vendor_order in VendorOrder.objects.select_for_update().filter(order_id=order_id).order_by("pk"):
            if vendor_order.payment_allocated_at is None:
                vendor_order.payment_allocated_at = timezone.now()
                vendor_order.save(update_fields=["payment_allocated_at", "updated_at"])
            allocations.append({"vendor_order_id": vendor_order.id, "vendor_id": vendor_order.vendor_id,
                                "amount": fmt(vendor_order.subtotal, vendor_order.currency_code),
                                "commission": fmt(vendor_order.commission_amount, vendor_order.currency_code),
                                "net": fmt(vendor_order.net_amount, vendor_order.currency_code)})
    return allocations


# -- commission states -----------------------------------------------------------------------------

def _transactions(order_id: str, vendor_order_ids=None):
    queryset = CommissionTransaction.objects.select_for_update().filter(order_id=order_id)
    if vendor_order_ids is not None:
        queryset = queryset.filter(vendor_order_id__in=list(vendor_order_ids))
    return list(queryset.order_by("pk"))


def _emit_by_vendor(event_type: str, order_id: str, moved, reason_key: str, reason: str) -> None:
    by_vendor = defaultdict(list)
    for tx in moved:
        by_vendor[tx.vendor_id].append(tx)
    for vendor_id, txs in sorted(by_vendor.items()):
        currency = txs[0].currency_code
        events.emit(event_type, vendor_id, {
            "vendor_id": vendor_id, "order_id": order_id, "transaction_ids": [tx.id for tx in txs],
            "amount": fmt(sum((tx.net for tx in txs), ZERO), currency), "currency_code": currency,
            reason_key: reason})


def hold_commissions(order_id: str, *, reason: str, vendor_order_ids=None) -> list[CommissionTransaction]:
    """Keep the order's pending or payable shares from payouts (escrow, a dispute)."""
    with transaction.atomic():
        held = [tx for tx in _transactions(order_id, vendor_order_ids)
                if tx.status in (CommissionStatus.PENDING, CommissionStatus.PAYABLE) and tx.payout_id is None]
        CommissionTransaction.objects.filter(pk__in=[tx.pk for tx in held]).update(
            status=CommissionStatus.HELD, updated_at=timezone.now())
    return held


def release_commissions(order_id: str, *, reason: str, vendor_order_ids=None) -> list[CommissionTransaction]:
    """Make the order's pending or held shares payable (delivered and past its hold, or escrow
    released). Already payable, paid or reversed ones are left alone."""
    with transaction.atomic():
        moved = [tx for tx in _transactions(order_id, vendor_order_ids)
                 if tx.status in (CommissionStatus.PENDING, CommissionStatus.HELD)]
        CommissionTransaction.objects.filter(pk__in=[tx.pk for tx in moved]).update(
            status=CommissionStatus.PAYABLE, updated_at=timezone.now())
        if moved:
            _emit_by_vendor(events.COMMISSION_RELEASED, order_id, moved, "reason", reason)
    return moved


def reverse_order_commissions(order_id: str, *, reference: str) -> list[CommissionTransaction]:
    """The order is cancelled: its shares not yet paid out are reversed and its vendor orders
    cancelled; shares already paid out get a negative reversal deducted from the next payout."""
    with transaction.atomic():
        reversed_now = []
        for tx in _transactions(order_id):
            if tx.kind != CommissionKind.SALE or tx.status == CommissionStatus.REVERSED:
                continue
            if tx.status == CommissionStatus.PAID:
                reversal = _reversal(tx.vendor, tx.vendor_order, order_id, tx.currency_code, tx.gross, tx.commission,
                                     reference=reference, key=f"{tx.id}:reversal")
                if reversal is not None:
                    reversed_now.append(reversal)
            else:
                tx.status = CommissionStatus.REVERSED
                tx.reference = reference[:100]
                tx.save(update_fields=["status", "reference", "updated_at"])
                reversed_now.append(tx)
        for vendor_order in VendorOrder.objects.filter(order_id=order_id).exclude(status=VendorOrderStatus.CANCELED):
            set_vendor_order_status(vendor_order.id, VendorOrderStatus.CANCELED)
        if reversed_now:
            _emit_by_vendor(events.COMMISSION_REVERSED, order_id, reversed_now, "reference", reference)
    return reversed_now


def _reversal(vendor, vendor_order, order_id, currency, gross, commission, *, reference, key):
    try:
        with transaction.atomic():
            return CommissionTransaction.objects.create(
                vendor=vendor, vendor_order=vendor_order, order_id=order_id, kind=CommissionKind.REVERSAL,
                status=CommissionStatus.PAYABLE, currency_code=currency, gross=-gross, commission=-commission,
                net=-(gross - commission), reference=reference[:100], idempotency_key=key)
    except IntegrityError:  # written before under this key
        return None


def reverse_line_commissions(order_id: str, line_values: dict[str, Decimal], *, reference: str) -> list:
    """Take back the vendors' share of returned (or disputed) value: `line_values` maps order line
    ids to the value given back; each vendor order gets one negative reversal (idempotent per
    reference)."""
    with transaction.atomic():
        created = []
        items = (VendorOrderItem.objects.filter(vendor_order__order_id=order_id, line_item_id__in=list(line_values))
                 .select_related("vendor_order__vendor"))
        per_vendor_order = defaultdict(lambda: [ZERO, ZERO])
        for item in items:
            currency = item.vendor_order.currency_code
            value = round_money(to_decimal(line_values[item.line_item_id]), currency)
            commission = percent_of(value, item.commission_rate, currency)
            per_vendor_order[item.vendor_order][0] += value
            per_vendor_order[item.vendor_order][1] += commission
        for vendor_order, (gross, commission) in sorted(per_vendor_order.items(), key=lambda kv: kv[0].pk):
            if gross <= ZERO:
                continue
            reversal = _reversal(vendor_order.vendor, vendor_order, order_id, vendor_order.currency_code, gross,
                                 commission, reference=reference, key=f"{vendor_order.id}:reversal:{reference}")
            if reversal is not None:
                created.append(reversal)
        if created:
            _emit_by_vendor(events.COMMISSION_REVERSED, order_id, created, "reference", reference)
    return created


def payable_balance(vendor_id: str, currency: str) -> Decimal:
    total = CommissionTransaction.objects.filter(vendor_id=vendor_id, currency_code=currency,
                                                 status=CommissionStatus.PAYABLE, payout__isnull=True
                                                 ).aggregate(total=Sum("net"))["total"]
    return total or ZERO


# -- payouts ---------------------------------------------------------------------------------------

def request_payout(vendor_id: str, *, currency: str | None = None) -> Payout | None:
    """Gather the vendor's payable shares (reversals deducted) into a payout and write
    `payout.requested` (VendorPayout transfers it). Returns None when nothing is due or the
    balance is under the vendor's minimum."""
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
        if vendor is None:
            raise NotFound(f"No vendor {vendor_id}.", code="vendor_not_found")
        due = CommissionTransaction.objects.select_for_update().filter(
            vendor=vendor, status=CommissionStatus.PAYABLE, payout__isnull=True)
        if currency:
            due = due.filter(currency_code=currency.upper())
        due = list(due.order_by("created_at"))
        if not due:
            return None
        currency = due[0].currency_code
        due = [tx for tx in due if tx.currency_code == currency]
        amount = sum((tx.net for tx in due), ZERO)
        if amount <= ZERO or amount < vendor.minimum_payout:
            return None
        payout = Payout.objects.create(vendor=vendor, currency_code=currency, amount=amount,
                                       period_start=due[0].created_at, period_end=due[-1].created_at)
        CommissionTransaction.objects.filter(pk__in=[tx.pk for tx in due]).update(payout=payout,
                                                                                 updated_at=timezone.now())
        events.emit(events.PAYOUT_REQUESTED, payout.id, {
            "payout_id": payout.id, "vendor_id": vendor.id, "amount": fmt(amount, currency), "currency_code": currency,
            "transaction_ids": [tx.id for tx in due], "period_start": payout.period_start.isoformat(),
            "period_end": payout.period_end.isoformat(), "method": payout.method})
    return payout


def request_due_payouts() -> list[Payout]:
    """A payout for every vendor with a payable balance that can be paid now (the daily beat job:
    vendors frozen by a dispute, inactive or without a connected account wait)."""
    vendor_ids = (CommissionTransaction.objects.filter(
        status=CommissionStatus.PAYABLE, payout__isnull=True, vendor__status=VendorStatus.ACTIVE,
        vendor__frozen_by=[]).exclude(vendor__stripe_account_id="").values_list("vendor_id", flat=True).distinct())
    return [payout for payout in (request_payout(vendor_id) for vendor_id in sorted(set(vendor_ids))) if payout]


def set_payout_metadata(payout_id: str, data: dict) -> Payout:
    """Bookkeeping of the payout workflow (its ERPNext entry); no event: the payout's own
    transitions have theirs."""
    with transaction.atomic():
        payout = get_payout(payout_id, lock=True)
        payout.metadata = {**(payout.metadata or {}), **data}
        payout.save(update_fields=["metadata", "updated_at"])
    return payout


def get_payout(payout_id: str, *, lock: bool = False) -> Payout:
    return get_one(Payout.objects.select_related("vendor"), payout_id, lock=lock, what="payout", code="payout_not_found")


def set_payout_status(payout_id: str, status: str, *, transfer_id: str = "", reason: str = "") -> Payout:
    """processing / paid (its shares become `paid`) / on_hold or failed (its shares are freed for
    the next payout). Repeating a transition changes nothing."""
    with transaction.atomic():
        payout = get_payout(payout_id, lock=True)
        if payout.status == status or payout.status == PayoutStatus.PAID:
            return payout
        payout.status = status
        if transfer_id:
            payout.transfer_id = transfer_id
        if status == PayoutStatus.PAID:
            payout.paid_at = timezone.now()
            payout.transactions.update(status=CommissionStatus.PAID, updated_at=timezone.now())
            events.emit(events.PAYOUT_PAID, payout.id, {
                "payout_id": payout.id, "vendor_id": payout.vendor_id,
                "amount": fmt(payout.amount, payout.currency_code), "currency_code": payout.currency_code,
                "transfer_id": payout.transfer_id, "paid_at": payout.paid_at.isoformat()})
        elif status in (PayoutStatus.FAILED, PayoutStatus.ON_HOLD):
            payout.failure_reason = reason[:300]
            payout.transactions.update(payout=None, updated_at=timezone.now())
            events.emit(events.PAYOUT_FAILED, payout.id, {
                "payout_id": payout.id, "vendor_id": payout.vendor_id,
                "amount": fmt(payout.amount, payout.currency_code), "currency_code": payout.currency_code,
                "status": status, "reason": reason})
        payout.save()
    return payout


def freeze_payouts(vendor_ids, *, reason: str) -> list[str]:
    """Stop payouts to the vendors until `unfreeze_payouts(…, reason)` (an open dispute)."""
    frozen = []
    with transaction.atomic():
        for vendor in Vendor.objects.select_for_update().filter(pk__in=list(vendor_ids)).order_by("pk"):
            if reason not in vendor.frozen_by:
                vendor.frozen_by = [*vendor.frozen_by, reason]
                vendor.save(update_fields=["frozen_by", "updated_at"])
                _vendor_updated(vendor, ["frozen_by"])
            frozen.append(vendor.id)
    return frozen


def unfreeze_payouts(vendor_ids, *, reason: str) -> list[str]:
    unfrozen = []
    with transaction.atomic():
        for vendor in Vendor.objects.select_for_update().filter(pk__in=list(vendor_ids)).order_by("pk"):
            if reason in vendor.frozen_by:
                vendor.frozen_by = [item for item in vendor.frozen_by if item != reason]
                vendor.save(update_fields=["frozen_by", "updated_at"])
                _vendor_updated(vendor, ["frozen_by"])
                unfrozen.append(vendor.id)
    return unfrozen


def mark_identity_verified(vendor_id: str, *, session_id: str = "") -> Vendor:
    return update_vendor(vendor_id, {"identity_verified_at": timezone.now(), "kyc_session_id": session_id})


def payout_blockers(payout: Payout) -> list[str]:
    """Why the payout cannot be transferred now (empty: it can)."""
    vendor = payout.vendor
    reasons = []
    if vendor.status != VendorStatus.ACTIVE:
        reasons.append(f"the vendor is {vendor.status}")
    if vendor.payouts_frozen:
        reasons.append(f"payouts are frozen ({', '.join(vendor.frozen_by)})")
    if not vendor.stripe_account_id:
        reasons.append("the vendor has no connected payment account")
    if payout.amount <= ZERO:
        reasons.append("nothing to pay")
    return reasons
