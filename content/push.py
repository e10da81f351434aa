"""Pattern A, the CMS push: bring a record's commerce entity in line with the record.

`push_record(collection, cms_id)` reads the record as it is now (not as an event described it),
so pushes are upserts that converge whatever order their runs execute in, and repeating one
changes nothing. The commerce entity is found by the record's CMS id — a product's
`metadata.cms_id`, a booking's or a plan's `cms_id` — so re-publishing updates it and never
creates a second one. A transaction-scoped advisory lock on the CMS id makes concurrent pushes of
one record queue.

| record                       | product           | booking    | subscription product |
| ---------------------------- | ----------------- | ---------- | -------------------- |
| live                         | published         | open       | published            |
| draft, never published       | draft             | draft      | draft                |
| unpublished, expired, deleted | archived         | cancelled  | archived             |

Paid-only collections (courses, job listings) without a price are not sold: their product is
archived if it exists, and none is created. Every pushed entity carries the canonical metadata
of `content.metadata`; its id is written back with `services.link_commerce_entity`.
"""
from decimal import ROUND_FLOOR, Decimal

from django.db import connection, transaction
from django.utils import timezone

from cityos.errors import NotFound
from cityos.money import fmt
from content import commerce_client as commerce
from content import services
from content.media import image_reference
from content.models import CommerceEntity, DomainRecord
from content.tenancy import tenant_slug

LIVE, DRAFT, WITHDRAWN = "live", "draft", "withdrawn"
PRODUCT_STATUS = {LIVE: "published", DRAFT: "draft", WITHDRAWN: "archived"}
BOOKING_STATUS = {LIVE: "open", DRAFT: "draft"}
PHYSICAL_COLLECTIONS = {"market-listings"}  # shipped goods; the others are services
# How the CMS's billing intervals map to subscription plans (interval, validity in days).
PLAN_INTERVALS = {"month": ("month", None), "quarter": ("quarter", None), "year": ("year", None),
                  "one_time": ("none", 365)}


def wanted_state(record: DomainRecord | None) -> str:
    """What commerce should show of the record: live, a draft, or nothing any more."""
    if record is None or not record.is_sold():
        return WITHDRAWN
    if record.live:
        return LIVE
    return WITHDRAWN if record.first_published_at else DRAFT


def push_record(collection: str, cms_id: str, *, now=None) -> dict:
    """Upsert (or withdraw) the commerce entity of one record; `{action, entity, commerce_id,
    collection, cms_id, state}` where action is created, updated, archived, cancelled or unchanged."""
    model = services.collection_model(collection)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"cms-push:{cms_id}"])
        record = model.objects.select_related("poi", "image").filter(cms_id=cms_id).first()
        state = wanted_state(record)
        push = PUSHERS[model.commerce_entity]
        action, commerce_id = push(record, cms_id, state, now or timezone.now())
        if record is not None and commerce_id and commerce_id != record.commerce_id:
            services.link_commerce_entity(record, commerce_id)
    return {"action": action, "entity": str(model.commerce_entity), "commerce_id": commerce_id,
            "collection": collection, "cms_id": cms_id, "state": state}


def _metadata(record: DomainRecord, now, existing: dict | None = None) -> dict:
    """The canonical metadata; an entity whose other keys are already right keeps its
    `cms_synced_at`, so pushing an unchanged record writes nothing (and no event)."""
    metadata = record.canonical_metadata(tenant_slug(), now)
    existing = {k: v for k, v in (existing or {}).items() if k in metadata}
    if existing and {**existing, "cms_synced_at": None} == {**metadata, "cms_synced_at": None}:
        metadata["cms_synced_at"] = existing["cms_synced_at"]
    return metadata


def _images(record: DomainRecord) -> list[dict]:
    image = image_reference(record.image)
    return [{"url": image["url"], "alt": record.title}] if image and image["url"] else []


def _stock(record: DomainRecord) -> int | None:
    """What the record lets commerce sell: a whole number of units, or None for no limit."""
    quantity = record.quantity()
    if quantity is None:
        return None
    return int(Decimal(str(quantity)).to_integral_value(rounding=ROUND_FLOOR))


def _free_handle(slug: str) -> str | None:
    try:
        commerce.get_product(slug)
    except NotFound:
        return slug
    return None  # taken: commerce makes one from the title


# ----- products ------------------------------------------------------------------------------
def _product_fields(record: DomainRecord, state: str, now, existing: dict | None = None) -> dict:
    images = _images(record)
    return {"title": record.title, "subtitle": record.poi.name, "description": record.description,
            "status": PRODUCT_STATUS[state], "thumbnail": images[0]["url"] if images else "", "images": images,
            "metadata": _metadata(record, now, existing["metadata"] if existing else None)}


def _variant_fields(record: DomainRecord) -> dict:
    stock = _stock(record)
    fields = {"prices": [{"currency_code": record.currency, "amount": record.price}], "manage_inventory": stock is not None}
    if stock is not None:
        fields["inventory_quantity"] = stock
    return fields


def _update_variant(product: dict, record: DomainRecord) -> None:
    variant = product["variants"][0] if product["variants"] else None
    if variant is None:
        return
    wanted = _variant_fields(record)
    changes = {}
    prices = [{"currency_code": record.currency, "amount": fmt(record.price, record.currency)}]
    if variant["prices"] != prices:
        changes.update(prices=wanted["prices"], replace_prices=True)
    if variant["manage_inventory"] != wanted["manage_inventory"]:
        changes["manage_inventory"] = wanted["manage_inventory"]
    if "inventory_quantity" in wanted:
        changes["inventory_quantity"] = wanted["inventory_quantity"]
    if changes:
        commerce.update_variant(product["id"], variant["id"], changes)


def push_product(record, cms_id: str, state: str, now) -> tuple[str, str | None]:
    existing = commerce.find_product_by_cms_id(cms_id)
    if existing is None:
        if state == WITHDRAWN:
            return "unchanged", None
        variant = {"sku": f"CMS-{cms_id.upper()}", "title": record.title, **_variant_fields(record)}
        handle = _free_handle(record.slug)
        created = commerce.create_product({**_product_fields(record, state, now),
                                           **({"handle": handle} if handle else {}),
                                           "kind": "physical" if record.collection in PHYSICAL_COLLECTIONS else "service",
                                           "variants": [variant]})
        return "created", created["id"]
    action = _withdrawal(existing["status"] == "archived", state) or "updated"
    if record is None:  # deleted: nothing left to copy
        if action == "archived":
            commerce.delete_product(existing["id"])
        return action, existing["id"]
    fields = _product_fields(record, state, now, existing)
    changed = {name: value for name, value in fields.items() if existing[name] != value}
    product = commerce.update_product(existing["id"], changed) if changed else existing
    _update_variant(product, record)
    return action, product["id"]


def _withdrawal(already_withdrawn: bool, state: str) -> str | None:
    """The action a withdrawal is (None when the record is not withdrawn)."""
    if state != WITHDRAWN:
        return None
    return "unchanged" if already_withdrawn else "archived"


# ----- bookings ------------------------------------------------------------------------------
def _booking_fields(record, state: str, now, existing: dict | None = None) -> dict:
    return {"title": record.title, "description": record.description, "provider_name": record.practitioner,
            "service": record.specialty, "mode": record.mode, "location": record.poi.address,
            "starts_at": record.starts_at, "duration_minutes": record.duration_minutes, "capacity": record.capacity,
            "price": record.price, "currency_code": record.currency, "status": BOOKING_STATUS[state],
            "metadata": _metadata(record, now, existing["metadata"] if existing else None)}


def push_booking(record, cms_id: str, state: str, now) -> tuple[str, str | None]:
    existing = commerce.find_booking_by_cms_id(cms_id)
    if state == WITHDRAWN:
        if existing is None:
            return "unchanged", None
        if existing["status"] == "cancelled":
            return "unchanged", existing["id"]
        reason = "Withdrawn in the CMS." if record is not None else "Deleted in the CMS."
        return "cancelled", commerce.cancel_booking(existing["id"], reason=reason)["id"]
    fields = _booking_fields(record, state, now, existing)
    if existing is None:
        handle = _free_handle(record.slug)
        created = commerce.create_booking({**fields, "cms_id": cms_id, "images": _images(record),
                                           **({"handle": handle} if handle else {})})
        return "created", created["id"]
    return "updated", commerce.update_booking(existing["id"], fields)["id"]


# ----- subscription products -----------------------------------------------------------------
def _plan_fields(record, state: str, now, existing: dict | None = None) -> dict:
    if record.collection == "transit-passes":
        interval, validity = record.billing_interval, record.validity_days
        trial = 0
    else:
        interval, validity = PLAN_INTERVALS[record.billing_interval]
        trial = record.trial_days
    images = _images(record)
    return {"title": record.title, "description": record.description, "price": record.price,
            "currency_code": record.currency, "status": PRODUCT_STATUS[state], "billing_interval": interval,
            "interval_count": 1, "validity_days": validity, "trial_days": trial, "max_subscribers": _stock(record),
            "thumbnail": images[0]["url"] if images else "",
            "metadata": _metadata(record, now, existing["metadata"] if existing else None)}


def push_subscription_product(record, cms_id: str, state: str, now) -> tuple[str, str | None]:
    existing = commerce.find_subscription_plan_by_cms_id(cms_id)
    if existing is None:
        if state == WITHDRAWN:
            return "unchanged", None
        handle = _free_handle(record.slug)
        created = commerce.create_subscription_product({**_plan_fields(record, state, now), "cms_id": cms_id,
                                                        "images": _images(record),
                                                        **({"handle": handle} if handle else {})})
        return "created", created["product_id"]
    action = _withdrawal(existing["status"] == "archived", state) or "updated"
    if record is None:
        if action == "archived":
            commerce.delete_product(existing["product_id"])
        return action, existing["product_id"]
    fields = _plan_fields(record, state, now, existing)
    return action, commerce.update_subscription_product(existing["id"], fields)["product_id"]


PUSHERS = {
    CommerceEntity.PRODUCT: push_product,
    CommerceEntity.BOOKING: push_booking,
    CommerceEntity.SUBSCRIPTION_PRODUCT: push_subscription_product,
}
