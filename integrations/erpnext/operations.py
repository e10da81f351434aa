"""The ERPNext operations the workflows use, written once over five document primitives.

`ErpOperations` builds each document exactly as Frappe expects it (field names, required fields,
child rows) and drives it through `_find` / `_get` / `_insert` / `_submit` / `_cancel` /
`_delete` / `_list`. The real client implements those primitives with Frappe's REST API, the
sandbox with its own document store — so both send and receive the same documents.

Idempotency: every document the platform creates carries `cityos_reference` (the caller's
idempotency key) and `cityos_tenant`. A create first looks the reference up and returns the
existing document (submitting it if it was left a draft), so a retried step never creates a
second Sales Order. Items are keyed by `item_code`, their name in ERPNext.
"""
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from cityos.money import to_decimal
from integrations import errors, policies
from integrations.base import AdapterBase
from integrations.erpnext.frappe import frappe_error, is_not_found
from integrations.tenancy import REFERENCE_KEY, TENANT_KEY, current_slug

SANDBOX_COMPANY = "CityOS Sandbox"
DEFAULT_POLICY = policies.BY_SYSTEM["erpnext"]


def _day(value: date | str | None, default: date | None = None) -> str:
    if value is None:
        value = default or timezone.localdate()
    return value.isoformat() if isinstance(value, date) else str(value)


def _amount(value) -> float:
    """A JSON number for Frappe, from an exact Decimal amount."""
    return float(to_decimal(value))


def _qty(value) -> float:
    quantity = to_decimal(value)
    if quantity <= 0:
        raise errors.InvalidArgumentError("Quantities must be positive.", system="erpnext",
                                          external_code="invalid_qty")
    return float(quantity)


def decimal_of(value) -> Decimal:
    return Decimal(str(value or 0))


class ErpOperations(AdapterBase):
    name = "erpnext"
    SYNC_OPERATIONS = {
        "customer": "create_customer",
        "supplier": "create_supplier",
        "item": "create_item",
        "sales_order": "create_sales_order",
        "sales_invoice": "create_sales_invoice",
        "payment_entry": "create_payment_entry",
        "journal_entry": "create_journal_entry",
        "stock_entry": "create_stock_entry",
    }

    def external_id_of(self, entity_type: str, response: dict) -> str | None:
        return response.get("name")

    # -- primitives (implemented by the client and the sandbox) -----------------------------------
    def _find(self, doctype: str, filters: list, *, operation: str, policy, fields=("name",), limit: int = 1) -> list:
        raise NotImplementedError

    def _get(self, doctype: str, name: str, *, operation: str, policy) -> dict:
        raise NotImplementedError

    def _insert(self, doctype: str, doc: dict, *, operation: str, policy) -> dict:
        raise NotImplementedError

    def _submit(self, doc: dict, *, operation: str, policy) -> dict:
        raise NotImplementedError

    def _cancel(self, doctype: str, name: str, *, operation: str, policy) -> dict:
        raise NotImplementedError

    def _delete(self, doctype: str, name: str, *, operation: str, policy) -> None:
        raise NotImplementedError

    def _list(self, doctype: str, *, fields: list, filters: list, operation: str, policy) -> list:
        raise NotImplementedError

    @property
    def company(self) -> str:
        return settings.ERPNEXT_COMPANY or SANDBOX_COMPANY

    # -- shared flows ----------------------------------------------------------------------------
    def _create(self, doctype: str, doc: dict, idempotency_key: str, *, submit: bool, operation: str,
                policy=DEFAULT_POLICY) -> dict:
        if not idempotency_key:
            raise errors.InvalidArgumentError("An idempotency key is required.", system="erpnext",
                                              external_code="idempotency_key_missing")
        doc = {**doc, TENANT_KEY: current_slug(), REFERENCE_KEY: idempotency_key}
        found = self._find(doctype, [[REFERENCE_KEY, "=", idempotency_key]], operation=operation, policy=policy)
        if found:
            current = self._get(doctype, found[0]["name"], operation=operation, policy=policy)
        else:
            current = self._insert(doctype, doc, operation=operation, policy=policy)
        if submit and current.get("docstatus") == 0:
            current = self._submit(current, operation=operation, policy=policy)
        return current

    def get_document(self, doctype: str, name: str) -> dict:
        return self._get(doctype, name, operation="get_document", policy=DEFAULT_POLICY)

    def find_by_reference(self, doctype: str, idempotency_key: str) -> dict | None:
        found = self._find(doctype, [[REFERENCE_KEY, "=", idempotency_key]], operation="find_by_reference",
                           policy=DEFAULT_POLICY)
        return self.get_document(doctype, found[0]["name"]) if found else None

    # -- parties and items -----------------------------------------------------------------------
    def create_customer(self, *, customer_name: str, idempotency_key: str, customer_type: str = "Individual",
                        customer_group: str | None = None, territory: str | None = None,
                        email: str | None = None, phone: str | None = None) -> dict:
        doc = {"customer_name": customer_name, "customer_type": customer_type,
               "customer_group": customer_group or ("Commercial" if customer_type == "Company" else "Individual"),
               "territory": territory or "All Territories"}
        if email:
            doc["email_id"] = email
        if phone:
            doc["mobile_no"] = phone
        return self._create("Customer", doc, idempotency_key, submit=False, operation="create_customer")

    def create_supplier(self, *, supplier_name: str, idempotency_key: str, supplier_type: str = "Company",
                        supplier_group: str | None = None, country: str | None = None,
                        email: str | None = None) -> dict:
        doc = {"supplier_name": supplier_name, "supplier_type": supplier_type,
               "supplier_group": supplier_group or "All Supplier Groups"}
        if country:
            doc["country"] = country
        if email:
            doc["email_id"] = email
        return self._create("Supplier", doc, idempotency_key, submit=False, operation="create_supplier")

    def create_item(self, *, item_code: str, item_name: str, idempotency_key: str, item_group: str = "Products",
                    stock_uom: str = "Nos", is_stock_item: bool = True, standard_rate=None,
                    description: str | None = None) -> dict:
        """Items are named by `item_code`: an existing item with that code is returned as is."""
        policy = policies.ERP_INVENTORY
        try:
            return self._get("Item", item_code, operation="create_item", policy=policy)
        except errors.IntegrationError as exc:
            if not is_not_found(exc):
                raise
        doc = {"item_code": item_code, "item_name": item_name, "item_group": item_group, "stock_uom": stock_uom,
               "is_stock_item": 1 if is_stock_item else 0, "description": description or item_name,
               TENANT_KEY: current_slug(), REFERENCE_KEY: idempotency_key}
        if standard_rate is not None:
            doc["standard_rate"] = _amount(standard_rate)
        try:
            return self._insert("Item", doc, operation="create_item", policy=policy)
        except errors.DuplicateRequestError:  # created meanwhile by a concurrent call
            return self._get("Item", item_code, operation="create_item", policy=policy)

    # -- selling ---------------------------------------------------------------------------------
    def create_sales_order(self, *, customer: str, items: list[dict], currency: str, idempotency_key: str,
                           transaction_date=None, delivery_date=None, submit: bool = True) -> dict:
        """`items`: `[{"item_code", "qty", "rate", "warehouse"?}]`; rates in major units (Decimal)."""
        ordered = _day(transaction_date)
        deliver = _day(delivery_date, date.fromisoformat(ordered) + timedelta(days=7))
        rows = []
        for item in items or []:
            row = {"item_code": item.get("item_code"), "qty": _qty(item.get("qty", 1)),
                   "rate": _amount(item.get("rate", 0)), "delivery_date": _day(item.get("delivery_date") or deliver)}
            if item.get("warehouse"):
                row["warehouse"] = item["warehouse"]
            rows.append(row)
        doc = {"customer": customer, "company": self.company, "transaction_date": ordered,
               "delivery_date": deliver, "currency": currency.upper(), "items": rows}
        return self._create("Sales Order", doc, idempotency_key, submit=submit, operation="create_sales_order",
                            policy=policies.ERP_SYNC_ORDER)

    def create_sales_invoice(self, *, customer: str, items: list[dict], currency: str, idempotency_key: str,
                             posting_date=None, due_date=None, sales_order: str | None = None,
                             submit: bool = True) -> dict:
        """`items`: `[{"item_code", "qty", "rate"}]`; ERPNext derives names, UOM and income accounts."""
        rows = []
        for item in items or []:
            row = {"item_code": item.get("item_code"), "qty": _qty(item.get("qty", 1)),
                   "rate": _amount(item.get("rate", 0))}
            if sales_order:
                row["sales_order"] = sales_order
            rows.append(row)
        doc = {"customer": customer, "company": self.company, "currency": currency.upper(), "items": rows}
        if posting_date is not None:
            doc.update(posting_date=_day(posting_date), set_posting_time=1)
        if due_date is not None:
            doc["due_date"] = _day(due_date)
        return self._create("Sales Invoice", doc, idempotency_key, submit=submit, operation="create_sales_invoice",
                            policy=policies.ERP_INVOICE)

    def create_payment_entry(self, *, party: str, paid_amount, currency: str, paid_from: str, paid_to: str,
                             reference_no: str, idempotency_key: str, party_type: str = "Customer",
                             payment_type: str = "Receive", reference_date=None, invoices: list[dict] = (),
                             posting_date=None, submit: bool = True) -> dict:
        """`invoices`: `[{"name": "ACC-SINV-…", "amount": Decimal}]` the payment is allocated to."""
        amount = _amount(paid_amount)
        doc = {"payment_type": payment_type, "party_type": party_type, "party": party, "company": self.company,
               "posting_date": _day(posting_date), "paid_from": paid_from, "paid_to": paid_to,
               "paid_amount": amount, "received_amount": amount, "paid_from_account_currency": currency.upper(),
               "paid_to_account_currency": currency.upper(), "reference_no": reference_no,
               "reference_date": _day(reference_date),
               "references": [{"reference_doctype": "Sales Invoice" if party_type == "Customer" else "Purchase Invoice",
                               "reference_name": invoice["name"], "allocated_amount": _amount(invoice["amount"])}
                              for invoice in invoices]}
        return self._create("Payment Entry", doc, idempotency_key, submit=submit, operation="create_payment_entry",
                            policy=policies.ERP_INVOICE)

    def create_journal_entry(self, *, accounts: list[dict], idempotency_key: str, posting_date=None,
                             user_remark: str | None = None, voucher_type: str = "Journal Entry",
                             submit: bool = True) -> dict:
        """`accounts`: `[{"account", "debit" | "credit", "party_type"?, "party"?}]`; debits must equal credits."""
        rows = []
        for line in accounts or []:
            row = {"account": line.get("account"),
                   "debit_in_account_currency": _amount(line.get("debit", 0)),
                   "credit_in_account_currency": _amount(line.get("credit", 0))}
            if line.get("party_type"):
                row.update(party_type=line["party_type"], party=line.get("party"))
            rows.append(row)
        doc = {"voucher_type": voucher_type, "company": self.company, "posting_date": _day(posting_date),
               "accounts": rows}
        if user_remark:
            doc["user_remark"] = user_remark
        return self._create("Journal Entry", doc, idempotency_key, submit=submit, operation="create_journal_entry",
                            policy=policies.ERP_JOURNAL)

    # -- stock -----------------------------------------------------------------------------------
    def create_stock_entry(self, *, stock_entry_type: str, items: list[dict], idempotency_key: str,
                           posting_date=None, submit: bool = True) -> dict:
        """`items`: `[{"item_code", "qty", "s_warehouse"?, "t_warehouse"?, "basic_rate"?}]`."""
        rows = []
        for item in items or []:
            row = {"item_code": item.get("item_code"), "qty": _qty(item.get("qty", 1))}
            for field in ("s_warehouse", "t_warehouse"):
                if item.get(field):
                    row[field] = item[field]
            if item.get("basic_rate") is not None:
                row["basic_rate"] = _amount(item["basic_rate"])
            rows.append(row)
        doc = {"stock_entry_type": stock_entry_type, "company": self.company, "items": rows}
        if posting_date is not None:
            doc.update(posting_date=_day(posting_date), set_posting_time=1)
        return self._create("Stock Entry", doc, idempotency_key, submit=submit, operation="create_stock_entry",
                            policy=policies.ERP_INVENTORY)

    def get_stock_levels(self, *, item_codes: list[str] | None = None, warehouse: str | None = None) -> list[dict]:
        """One row per item and warehouse: `actual_qty`, `reserved_qty` (Stock Reservation Entries) and
        `available_qty` (actual minus reserved), as Decimals."""
        filters = []
        if item_codes:
            filters.append(["item_code", "in", list(item_codes)])
        if warehouse:
            filters.append(["warehouse", "=", warehouse])
        bins = self._list("Bin", fields=["item_code", "warehouse", "actual_qty", "reserved_stock", "projected_qty"],
                          filters=filters, operation="get_stock_levels", policy=policies.ERP_STOCK_LEVELS)
        levels = []
        for row in bins:
            actual, reserved = decimal_of(row.get("actual_qty")), decimal_of(row.get("reserved_stock"))
            levels.append({"item_code": row["item_code"], "warehouse": row["warehouse"], "actual_qty": actual,
                           "reserved_qty": reserved, "available_qty": actual - reserved,
                           "projected_qty": decimal_of(row.get("projected_qty"))})
        return levels

    def reserve_stock(self, *, item_code: str, warehouse: str, qty, sales_order: str, idempotency_key: str) -> dict:
        """A submitted Stock Reservation Entry against the Sales Order's row for `item_code`."""
        policy = policies.ERP_INVENTORY
        existing = self.find_by_reference("Stock Reservation Entry", idempotency_key)
        if existing is None:
            levels = self.get_stock_levels(item_codes=[item_code], warehouse=warehouse)
            available = levels[0]["available_qty"] if levels else Decimal("0")
            if to_decimal(qty) > available:
                raise errors.InventoryUnavailableError(
                    f"Insufficient stock of {item_code} in {warehouse}: {available} available, {qty} requested.",
                    system="erpnext", external_code="InsufficientStock",
                    details={"item_code": item_code, "warehouse": warehouse, "available_qty": str(available)})
        order = self._get("Sales Order", sales_order, operation="reserve_stock", policy=policy)
        row = next((r for r in order.get("items", []) if r.get("item_code") == item_code), None)
        if row is None:
            raise frappe_error(417, "ValidationError", [f"Item {item_code} is not on Sales Order {sales_order}"])
        doc = {"item_code": item_code, "warehouse": warehouse, "voucher_type": "Sales Order",
               "voucher_no": sales_order, "voucher_detail_no": row.get("name"), "voucher_qty": row.get("qty"),
               "reserved_qty": _qty(qty), "company": self.company, "stock_uom": row.get("stock_uom") or "Nos"}
        return self._create("Stock Reservation Entry", doc, idempotency_key, submit=True,
                            operation="reserve_stock", policy=policy)

    def release_stock(self, reservation: str, *, idempotency_key: str) -> dict:
        """Cancel a Stock Reservation Entry (a cancelled one is returned as is)."""
        return self.cancel_document("Stock Reservation Entry", reservation, idempotency_key=idempotency_key)

    def cancel_document(self, doctype: str, name: str, *, idempotency_key: str) -> dict:
        """Compensation: cancel a submitted document, delete a draft; a cancelled one is returned as is."""
        policy = DEFAULT_POLICY
        doc = self._get(doctype, name, operation="cancel_document", policy=policy)
        if doc.get("docstatus") == 1:
            return self._cancel(doctype, name, operation="cancel_document", policy=policy)
        if doc.get("docstatus") == 0:
            self._delete(doctype, name, operation="cancel_document", policy=policy)
            return {**doc, "deleted": True}
        return doc
