"""Stock levels and reservations.

Concurrency rule: every function that changes `reserved_quantity` or `stocked_quantity` first
locks the `InventoryLevel` rows it touches with `SELECT … FOR UPDATE`, always in primary-key
order, and only then locks or writes `ReservationHold` rows. Every path takes its locks in the
same order, so two checkouts racing for the same items queue instead of deadlocking, and
neither can read an availability the other is about to consume.
"""
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from cityos.errors import Conflict, InvalidInput, NotFound
from commerce import events
from commerce.inventory.models import InventoryItem, InventoryLevel, ReservationHold, StockLocation


@dataclass(frozen=True)
class Need:
    """`quantity` units of `item_id` for one line (`line_id`, `label` names it in errors)."""

    item_id: str
    quantity: int
    line_id: str = ""
    label: str = ""


# -- locations and items ---------------------------------------------------------------------------

def ensure_default_location() -> StockLocation:
    location = StockLocation.objects.filter(is_default=True).first()
    if location is None:
        location = StockLocation.objects.create(name="Main warehouse", is_default=True)
    return location


def create_location(*, name: str, address: dict | None = None, is_default: bool = False, is_active: bool = True,
                    metadata: dict | None = None) -> StockLocation:
    with transaction.atomic():
        if is_default:
            StockLocation.objects.filter(is_default=True).update(is_default=False)
        return StockLocation.objects.create(name=name, address=address or {}, is_default=is_default,
                                            is_active=is_active, metadata=metadata or {})


def update_location(location: StockLocation, data: dict) -> StockLocation:
    """name, address, is_active, metadata; `is_default: true` makes it the default location."""
    with transaction.atomic():
        for field in ("name", "address", "is_active", "metadata"):
            if field in data:
                setattr(location, field, data[field])
        if data.get("is_default"):
            StockLocation.objects.exclude(pk=location.pk).update(is_default=False)
            location.is_default = True
        location.save()
    return location


def create_inventory_item(*, sku: str, title: str = "", requires_shipping: bool = True) -> InventoryItem:
    return InventoryItem.objects.create(sku=sku, title=title, requires_shipping=requires_shipping)


def _location(location_id: str | None) -> StockLocation:
    if not location_id:
        return ensure_default_location()
    location = StockLocation.objects.filter(pk=location_id).first()
    if location is None:
        raise NotFound(f"No stock location {location_id}.", code="stock_location_not_found",
                       fields={"location_id": ["Unknown stock location."]})
    return location


def _locked_level(item: InventoryItem, location: StockLocation) -> InventoryLevel:
    level, _ = InventoryLevel.objects.get_or_create(item=item, location=location)
    return InventoryLevel.objects.select_for_update().get(pk=level.pk)


def set_stock(item: InventoryItem, quantity: int, *, location_id: str | None = None,
              reason: str = "stock count") -> InventoryLevel:
    """Set the on-hand quantity at a location (a stock count)."""
    if quantity < 0:
        raise InvalidInput("Stock cannot be negative.", fields={"stocked_quantity": ["Must be 0 or more."]})
    location = _location(location_id)
    with transaction.atomic():
        level = _locked_level(item, location)
        delta = quantity - level.stocked_quantity
        level.stocked_quantity = quantity
        level.save(update_fields=["stocked_quantity", "updated_at"])
        _emit_adjusted(level, delta, reason)
    return level


def adjust_stock(item: InventoryItem, delta: int, *, location_id: str | None = None,
                 reason: str = "adjustment") -> InventoryLevel:
    """Add (receipts) or remove (damage, shrinkage) on-hand stock at a location."""
    location = _location(location_id)
    with transaction.atomic():
        level = _locked_level(item, location)
        if level.stocked_quantity + delta < 0:
            raise Conflict(f"Only {level.stocked_quantity} of {item.sku} are on hand at {location.name}.",
                           code="insufficient_inventory", fields={"delta": ["Would make stock negative."]})
        level.stocked_quantity += delta
        level.save(update_fields=["stocked_quantity", "updated_at"])
        _emit_adjusted(level, delta, reason)
    return level


def _emit_adjusted(level: InventoryLevel, delta: int, reason: str) -> None:
    if delta == 0:
        return
    events.emit(events.INVENTORY_ADJUSTED, level.item_id, {
        "inventory_item_id": level.item_id, "sku": level.item.sku, "location_id": level.location_id,
        "delta": delta, "stocked_quantity": level.stocked_quantity, "reserved_quantity": level.reserved_quantity,
        "reason": reason,
    })


def available_quantities(item_ids) -> dict[str, int]:
    """Sellable units per item over every active location (one query)."""
    rows = (InventoryLevel.objects.filter(item_id__in=list(item_ids), location__is_active=True)
            .values("item_id").annotate(available=Sum(F("stocked_quantity") - F("reserved_quantity"))))
    return {row["item_id"]: max(row["available"] or 0, 0) for row in rows}


# -- reservations ----------------------------------------------------------------------------------

def _lock_levels(item_ids) -> dict[str, list[InventoryLevel]]:
    """Lock every active level of the items, in primary-key order; grouped by item."""
    levels = (InventoryLevel.objects.select_for_update(of=("self",))
              .select_related("location")
              .filter(item_id__in=sorted(set(item_ids)), location__is_active=True)
              .order_by("pk"))
    by_item = defaultdict(list)
    for level in levels:
        by_item[level.item_id].append(level)
    return by_item


def _allocate(needs: list[Need], levels_by_item: dict, **owner) -> list[ReservationHold]:
    """Hold `needs` on the locked levels (default location first, then the fullest)."""
    shortages = {}
    holds = []
    touched = {}
    for need in sorted(needs, key=lambda n: n.item_id):
        levels = sorted(levels_by_item.get(need.item_id, []),
                        key=lambda lv: (not lv.location.is_default, -lv.available_quantity, lv.pk))
        available = sum(max(lv.available_quantity, 0) for lv in levels)
        if available < need.quantity:
            shortages[need.label or need.item_id] = [
                f"Requested {need.quantity}, only {available} available."]
            continue
        remaining = need.quantity
        for level in levels:
            take = min(remaining, max(level.available_quantity, 0))
            if take <= 0:
                continue
            level.reserved_quantity += take
            touched[level.pk] = level
            holds.append(ReservationHold(level=level, quantity=take, line_item_id=need.line_id, **owner))
            remaining -= take
            if remaining == 0:
                break
    if shortages:
        first = next(iter(shortages))
        raise Conflict(f"Not enough stock for {first}: {shortages[first][0]}", code="insufficient_inventory",
                       fields=shortages)
    _save_reserved(touched.values())
    return ReservationHold.objects.bulk_create(holds)


def _save_reserved(levels) -> None:
    levels = list(levels)
    now = timezone.now()
    for level in levels:
        level.updated_at = now
    InventoryLevel.objects.bulk_update(levels, ["reserved_quantity", "updated_at"])


def _release(holds: list[ReservationHold], levels_by_id: dict[str, InventoryLevel]) -> int:
    released = 0
    changed = {}
    for hold in holds:
        level = levels_by_id[hold.level_id]
        level.reserved_quantity = max(level.reserved_quantity - hold.quantity, 0)
        changed[level.pk] = level
        released += hold.quantity
    _save_reserved(changed.values())
    ReservationHold.objects.filter(pk__in=[h.pk for h in holds]).delete()
    return released


def _lock_levels_by_id(level_ids) -> dict[str, InventoryLevel]:
    return {lv.pk: lv for lv in InventoryLevel.objects.select_for_update().filter(pk__in=sorted(set(level_ids))).order_by("pk")}


def hold_for_cart(cart_id: str, needs: list[Need], expires_at: datetime) -> list[ReservationHold]:
    """Make the cart's holds exactly `needs`, held until `expires_at`.

    Holds that already match are kept (their expiry extended); otherwise the cart's holds are
    released and taken again, all under the level locks, so nobody can take the stock in between.
    Raises Conflict `insufficient_inventory` (and changes nothing) when stock is short.
    """
    return _sync_holds(cart_id, needs, expires_at=expires_at)


def hold_for_order(cart_id: str, order_id: str, needs: list[Need], line_ids: dict[str, str]) -> list[ReservationHold]:
    """Like `hold_for_cart`, then the holds belong to the placed order (no expiry, until it is
    fulfilled or cancelled); `line_ids` maps the cart's line ids to the order's."""
    return _sync_holds(cart_id, needs, order_id=order_id, line_ids=line_ids)


def _sync_holds(cart_id: str, needs: list[Need], *, expires_at: datetime | None = None, order_id: str = "",
                line_ids: dict | None = None) -> list[ReservationHold]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("holds change only inside a transaction")
    needs = [n for n in needs if n.quantity > 0]
    known_levels = set(ReservationHold.objects.filter(cart_id=cart_id).values_list("level_id", flat=True))
    item_ids = {n.item_id for n in needs} | set(
        InventoryLevel.objects.filter(pk__in=known_levels).values_list("item_id", flat=True))
    levels_by_item = _lock_levels(item_ids)
    levels_by_id = {lv.pk: lv for levels in levels_by_item.values() for lv in levels}
    extra = known_levels - set(levels_by_id)  # holds on a location deactivated since
    if extra:
        levels_by_id.update(_lock_levels_by_id(extra))
    existing = list(ReservationHold.objects.select_for_update().filter(cart_id=cart_id).order_by("pk"))

    held = defaultdict(int)
    for hold in existing:
        held[levels_by_id[hold.level_id].item_id] += hold.quantity
    wanted = {n.item_id: n.quantity for n in needs}
    if existing and dict(held) == wanted:
        if order_id:
            for hold in existing:
                hold.order_id, hold.cart_id, hold.expires_at = order_id, "", None
                hold.line_item_id = line_ids.get(hold.line_item_id, hold.line_item_id)
            ReservationHold.objects.bulk_update(existing, ["order_id", "cart_id", "expires_at", "line_item_id"])
        else:
            ReservationHold.objects.filter(pk__in=[h.pk for h in existing]).update(expires_at=expires_at)
            for hold in existing:
                hold.expires_at = expires_at
        return existing
    if existing:
        _release(existing, levels_by_id)
    if order_id:
        needs = [replace(n, line_id=line_ids.get(n.line_id, n.line_id)) for n in needs]
        return _allocate(needs, levels_by_item, order_id=order_id, expires_at=None)
    return _allocate(needs, levels_by_item, cart_id=cart_id, expires_at=expires_at)


def release_holds(*, cart_id: str | None = None, order_id: str | None = None,
                  line_item_id: str | None = None) -> int:
    """Give back the stock held for a cart or an order (or one of its lines); returns units."""
    filters = {}
    if cart_id:
        filters["cart_id"] = cart_id
    if order_id:
        filters["order_id"] = order_id
    if line_item_id:
        filters["line_item_id"] = line_item_id
    if not filters:
        raise ValueError("release_holds needs a cart, an order or a line")
    with transaction.atomic():
        level_ids = set(ReservationHold.objects.filter(**filters).values_list("level_id", flat=True))
        if not level_ids:
            return 0
        levels_by_id = _lock_levels_by_id(level_ids)
        holds = list(ReservationHold.objects.select_for_update().filter(**filters).order_by("pk"))
        missing = {h.level_id for h in holds} - set(levels_by_id)
        if missing:  # a hold appeared on another level meanwhile: lock that too (still in pk order)
            levels_by_id.update(_lock_levels_by_id(missing))
        return _release(holds, levels_by_id)


def release_expired(now: datetime | None = None, batch: int = 500) -> int:
    """Release cart holds whose expiry has passed (abandoned checkouts); returns units released."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            candidates = list(ReservationHold.objects.filter(expires_at__lt=now)
                              .values_list("pk", "level_id")[:batch])
            if not candidates:
                return total
            levels_by_id = _lock_levels_by_id({level for _, level in candidates})
            # Re-read under lock: a checkout may have extended or consumed a hold meanwhile.
            holds = list(ReservationHold.objects.select_for_update()
                         .filter(pk__in=[pk for pk, _ in candidates], expires_at__lt=now,
                                 level_id__in=list(levels_by_id)).order_by("pk"))
            total += _release(holds, levels_by_id)
            if len(candidates) < batch:
                return total


def consume_for_fulfillment(order_id: str, line_item_id: str, item_id: str, quantity: int,
                            location_id: str | None = None) -> str | None:
    """Goods leave the warehouse: lower on-hand and reserved stock by the order line's held
    units (up to `quantity`); stock not held (unmanaged items) is taken from on-hand alone.
    Returns the location the goods left from."""
    holds_filter = {"order_id": order_id, "line_item_id": line_item_id}
    level_ids = set(ReservationHold.objects.filter(**holds_filter).values_list("level_id", flat=True))
    if location_id is None:
        fallback = InventoryLevel.objects.filter(item_id=item_id, location__is_default=True).values_list("pk", flat=True).first()
    else:
        fallback = InventoryLevel.objects.filter(item_id=item_id, location_id=location_id).values_list("pk", flat=True).first()
    if fallback:
        level_ids.add(fallback)
    levels_by_id = _lock_levels_by_id(level_ids)
    holds = list(ReservationHold.objects.select_for_update().filter(**holds_filter).order_by("pk"))
    if location_id:
        holds.sort(key=lambda h: levels_by_id[h.level_id].location_id != location_id)
    remaining = quantity
    source = None
    for hold in holds:
        if remaining == 0:
            break
        level = levels_by_id[hold.level_id]
        take = min(hold.quantity, remaining)
        level.reserved_quantity = max(level.reserved_quantity - take, 0)
        level.stocked_quantity = max(level.stocked_quantity - take, 0)
        level.save(update_fields=["reserved_quantity", "stocked_quantity", "updated_at"])
        source = source or level.location_id
        remaining -= take
        if take == hold.quantity:
            hold.delete()
        else:
            hold.quantity -= take
            hold.save(update_fields=["quantity"])
    if remaining and fallback:
        level = levels_by_id[fallback]
        take = min(remaining, level.available_quantity if level.available_quantity > 0 else 0)
        if take:
            level.stocked_quantity -= take
            level.save(update_fields=["stocked_quantity", "updated_at"])
        source = source or level.location_id
    return source


def restock(item_id: str, quantity: int, *, location_id: str | None = None, reason: str = "return") -> InventoryLevel:
    item = InventoryItem.objects.get(pk=item_id)
    return adjust_stock(item, quantity, location_id=location_id, reason=reason)
