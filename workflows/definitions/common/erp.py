"""ERPNext for the order workflows: master data the documents need (customer, items, supplier),
the accounts they post to, and the item's stock the reservations draw on.

Item codes are namespaced by tenant (`<tenant>-<sku>`): one ERPNext serves every tenant, and two
tenants may sell the same SKU. The first time ERPNext sees an item it has no stock of it: the
platform keeps stock levels (commerce inventory), so ERPNext gets an opening Material Receipt of
the on-hand quantity commerce holds (once per item; concurrent orders of a new item wait on an
advisory lock, and the receipt's idempotency key makes it happen once even across retries).
"""
import weakref

from django.db import connection
from django.db.models import Sum

from commerce.inventory.models import InventoryLevel
from integrations import registry
from integrations.tenancy import current_slug

WAREHOUSE = "Stores"
SHIPPING_ITEM = "shipping"

# What this process already made sure an ERPNext has (items, opening stock, customers), per adapter
# instance: ERPNext never loses them, so each is checked once per process instead of once per order.
# Keyed by the instance itself (weakly), not by its id(): a rebuilt adapter (settings changed,
# `registry.reset()`) starts with nothing remembered, and a freed one's id can never alias it.
_ensured: "weakref.WeakKeyDictionary[object, dict[tuple[str, str], str]]" = weakref.WeakKeyDictionary()


def _once(kind: str, key: str, make) -> str | None:
    """`make()` the first time (its answer is remembered unless None)."""
    remembered = _ensured.setdefault(adapter(), {})
    if (kind, key) in remembered:
        return remembered[(kind, key)]
    made = make()
    if made is not None:
        remembered[(kind, key)] = made
    return made


def adapter():
    return registry.get("erpnext")


def abbreviation() -> str:
    erp = adapter()
    return getattr(erp, "abbr", None) or "".join(word[0] for word in erp.company.split() if word).upper()


def account(name: str) -> str:
    """An account of the company's chart (`Debtors` → `Debtors - CS`)."""
    return f"{name} - {abbreviation()}"


def warehouse() -> str:
    return account(WAREHOUSE)


def item_code(sku: str) -> str:
    return f"{current_slug()}-{sku}"[:140]


def ensure_customer(order) -> str:
    """The order's customer in ERPNext (created once per commerce customer); returns its name."""
    from workflows.definitions.common.orders import customer_name

    key = f"customer:{current_slug()}:{order.customer_id or order.email}"
    return _once("customer", key, lambda: adapter().create_customer(
        customer_name=f"{customer_name(order)} <{order.email}>", idempotency_key=key, email=order.email)["name"])


def ensure_item(sku: str, title: str, *, service: bool = False) -> str:
    code = item_code(sku)
    _once("item", code, lambda: adapter().create_item(
        item_code=code, item_name=title[:140] or sku, idempotency_key=f"item:{code}",
        item_group="Services" if service else "Products", is_stock_item=not service)["name"])
    return code


def stocked_quantity(inventory_item_id: str) -> int:
    total = InventoryLevel.objects.filter(item_id=inventory_item_id).aggregate(total=Sum("stocked_quantity"))["total"]
    return int(total or 0)


def ensure_opening_stock(code: str, inventory_item_id: str) -> None:
    """Give ERPNext the stock commerce holds of an item it has never stocked."""
    _once("stock", code, lambda: _opening_stock(code, inventory_item_id))


def _opening_stock(code: str, inventory_item_id: str) -> str:
    erp = adapter()
    with connection.cursor() as cursor:  # held until the step's transaction ends
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"erp-opening-stock:{code}"])
    if erp.get_stock_levels(item_codes=[code], warehouse=warehouse()):
        return "stocked"
    quantity = stocked_quantity(inventory_item_id)
    if quantity <= 0:
        return None  # nothing to give it yet: looked at again next time
    erp.create_stock_entry(stock_entry_type="Material Receipt", idempotency_key=f"opening-stock:{code}",
                           items=[{"item_code": code, "qty": quantity, "t_warehouse": warehouse()}])
    return "received"


def ensure_supplier(vendor) -> str:
    """The vendor's Supplier in ERPNext (created once; its name kept on the vendor)."""
    if vendor.erp_supplier:
        return vendor.erp_supplier
    from commerce.marketplace import services as marketplace

    supplier = adapter().create_supplier(supplier_name=vendor.name, idempotency_key=f"supplier:{current_slug()}:{vendor.id}",
                                         email=vendor.email, supplier_group="Distributor")
    marketplace.update_vendor(vendor.id, {"erp_supplier": supplier["name"]})
    vendor.erp_supplier = supplier["name"]
    return supplier["name"]


def cancel(doctype: str, name: str, *, idempotency_key: str) -> dict:
    """Cancel a submitted document (delete a draft); a cancelled one stays as it is."""
    return adapter().cancel_document(doctype, name, idempotency_key=idempotency_key)


def post_vendor_release(order, vendor_orders, *, idempotency_key: str, reason: str) -> str | None:
    """The vendors' shares of `order` fall due: move them from Vendor Payables (held) to Creditors
    (due), which the payout settles. Returns the journal entry's name (None: nothing to move)."""
    from commerce.orders import services as order_services

    rows = []
    for vendor_order in vendor_orders:
        if vendor_order.net_amount <= 0:
            continue
        supplier = ensure_supplier(vendor_order.vendor)
        rows += [{"account": account("Vendor Payables"), "debit": vendor_order.net_amount, "party_type": "Supplier",
                  "party": supplier},
                 {"account": account("Creditors"), "credit": vendor_order.net_amount, "party_type": "Supplier",
                  "party": supplier}]
    if not rows:
        return None
    entry = adapter().create_journal_entry(accounts=rows, idempotency_key=idempotency_key,
                                           user_remark=f"Vendor shares of order #{order.display_id} due ({reason})")
    order_services.record_external_refs(order.id, "erpnext", {"release_entries": [entry["name"]]})
    return entry["name"]
