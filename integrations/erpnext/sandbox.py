"""A deterministic, stateful stand-in for ERPNext: a small Frappe document store.

It behaves like ERPNext in what the platform observes:
- documents are named as ERPNext names them (`SAL-ORD-2026-00001`, `ACC-SINV-…`, `ACC-JV-…`,
  customers by name with ` - 1` for a second one, items by `item_code`), child rows get hashes;
- inserts are drafts (`docstatus` 0); `frappe.client.submit` semantics (1) and cancel (2), with the
  `modified` timestamp checked like Frappe's TimestampMismatchError;
- mandatory fields raise MandatoryError, unknown links LinkValidationError, an unbalanced journal
  entry "Total Debit must be equal to Total Credit" (ValidationError, HTTP 417), issuing more stock
  than a warehouse holds NegativeStockError — all through `frappe.frappe_error`, so the taxonomy
  class, code and message are those the real client maps from ERPNext's answers;
- submitted stock entries move stock in `Bin`s, Stock Reservation Entries reserve it, payment
  entries reduce invoices' outstanding amounts;
- submitting or cancelling a document sends the webhook a configured Frappe Webhook would
  (see docs/integrations.md), delivered by `integrations.sandbox.webhooks`.

The chart of accounts, warehouses, groups and UOMs of the sandbox company are fixed master data.
"""
import secrets
from decimal import Decimal

from django.utils import timezone

from integrations.erpnext.frappe import frappe_error, not_found
from integrations.erpnext.operations import ErpOperations, decimal_of
from integrations.models import SandboxObject
from integrations.sandbox import webhooks as sandbox_webhooks
from integrations.sandbox.store import ALIAS, SandboxStore

ACCOUNT_NAMES = ("Debtors", "Creditors", "Vendor Payables", "Cash", "Bank", "Stripe Clearing", "Sales",
                 "Service Income", "Commission Income", "Platform Fees", "VAT", "Cost of Goods Sold",
                 "Stock In Hand", "Stock Adjustment", "Write Off", "Refunds Payable")
RECEIVABLE_PAYABLE = {"Debtors": "Customer", "Creditors": "Supplier", "Vendor Payables": "Supplier"}
WAREHOUSE_NAMES = ("Stores", "Finished Goods", "Goods In Transit", "Work In Progress")
ITEM_GROUPS = {"All Item Groups", "Products", "Services", "Raw Material", "Consumable", "Sub Assemblies"}
CUSTOMER_GROUPS = {"All Customer Groups", "Individual", "Commercial", "Government", "Non Profit"}
SUPPLIER_GROUPS = {"All Supplier Groups", "Services", "Local", "Raw Material", "Distributor", "Hardware"}
TERRITORIES = {"All Territories", "Saudi Arabia", "United Arab Emirates", "Rest Of The World"}
UOMS = {"Nos", "Unit", "Kg", "Box", "Hour", "Litre"}
STOCK_ENTRY_TYPES = {"Material Receipt": ("t",), "Material Issue": ("s",), "Material Transfer": ("s", "t")}

SERIES = {"Sales Order": "SAL-ORD-", "Sales Invoice": "ACC-SINV-", "Payment Entry": "ACC-PAY-",
          "Journal Entry": "ACC-JV-", "Stock Entry": "MAT-STE-", "Stock Reservation Entry": "MAT-SRE-"}
CHILD_TABLES = {"Sales Order": ("items", "Sales Order Item"), "Sales Invoice": ("items", "Sales Invoice Item"),
                "Journal Entry": ("accounts", "Journal Entry Account"),
                "Stock Entry": ("items", "Stock Entry Detail"),
                "Payment Entry": ("references", "Payment Entry Reference")}
SUBMITTABLE = set(SERIES)
REQUIRED = {
    "Customer": ("customer_name",),
    "Supplier": ("supplier_name",),
    "Item": ("item_code", "item_group", "stock_uom"),
    "Sales Order": ("customer", "company", "transaction_date", "currency", "items"),
    "Sales Invoice": ("customer", "company", "posting_date", "currency", "items"),
    "Payment Entry": ("payment_type", "posting_date", "company", "paid_from", "paid_to", "paid_amount",
                      "received_amount"),
    "Journal Entry": ("voucher_type", "posting_date", "company", "accounts"),
    "Stock Entry": ("stock_entry_type", "company", "items"),
    "Stock Reservation Entry": ("item_code", "warehouse", "voucher_type", "voucher_no", "voucher_detail_no",
                                "voucher_qty", "reserved_qty", "company"),
    "Custom Field": ("dt", "fieldname", "label", "fieldtype"),
}
ROW_REQUIRED = {"Sales Order": ("item_code", "qty", "delivery_date"), "Sales Invoice": ("item_code", "qty"),
                "Journal Entry": ("account",), "Stock Entry": ("item_code", "qty"),
                "Payment Entry": ("reference_doctype", "reference_name")}
DATE_DEFAULTS = {"Sales Order": ("transaction_date",), "Sales Invoice": ("posting_date",),
                 "Payment Entry": ("posting_date",), "Journal Entry": ("posting_date",),
                 "Stock Entry": ("posting_date",)}
WEBHOOK_DOCTYPES = {"Sales Order", "Sales Invoice", "Payment Entry", "Journal Entry", "Stock Entry",
                    "Stock Reservation Entry"}


def _abbr(company: str) -> str:
    return "".join(word[0] for word in company.split() if word).upper()


def _now() -> str:
    return timezone.now().strftime("%Y-%m-%d %H:%M:%S.%f")


def _invalid(message: str, exc_type: str = "ValidationError", status: int = 417):
    return frappe_error(status, exc_type, [message])


_LOOKUPS = {"=": "", "in": "__in"}


def _lookups(filters: list) -> dict:
    """Frappe filters (`[[field, "=" | "in", value]]`) as lookups on the stored documents."""
    lookups = {}
    for field, op, value in filters:
        if op not in _LOOKUPS:
            raise frappe_error(417, "ValidationError", [f"Operator {op!r} is not supported by the sandbox"])
        lookups[f"data__{field}{_LOOKUPS[op]}"] = list(value) if op == "in" else value
    return lookups


class ERPNextSandbox(ErpOperations):
    def __init__(self):
        self.store = SandboxStore("erpnext")

    def is_configured(self) -> bool:
        return False

    def health_check(self) -> dict:
        return {"healthy": True, "message": f"in-process ERPNext sandbox (company {self.company!r})"}

    def setup(self) -> list[str]:
        return []

    # -- master data -----------------------------------------------------------------------------
    @property
    def abbr(self) -> str:
        return _abbr(self.company)

    def accounts(self) -> dict[str, str]:
        return {f"{name} - {self.abbr}": name for name in ACCOUNT_NAMES}

    def warehouses(self) -> set[str]:
        return {f"{name} - {self.abbr}" for name in WAREHOUSE_NAMES}

    # -- primitives ------------------------------------------------------------------------------
    def _find(self, doctype, filters, *, operation, policy, fields=("name",), limit=1):
        rows = self.store.query(doctype, _lookups(filters))
        return [{field: doc.get(field) for field in fields} for doc in rows[:limit]]

    def _get(self, doctype, name, *, operation, policy):
        doc = self.store.get(doctype, name)
        if doc is None:
            raise not_found(doctype, name)
        return doc

    def _list(self, doctype, *, fields, filters, operation, policy):
        return [{field: doc.get(field) for field in fields} for doc in self.store.query(doctype, _lookups(filters))]

    def _insert(self, doctype, doc, *, operation, policy):
        return self.store.call(f"insert {doctype}", {"doctype": doctype, "doc": doc},
                               lambda: self._do_insert(doctype, doc))

    def _submit(self, doc, *, operation, policy):
        return self.store.call(f"submit {doc.get('doctype')}", {"doc": doc}, lambda: self._do_submit(doc))

    def _cancel(self, doctype, name, *, operation, policy):
        return self.store.call(f"cancel {doctype}", {"doctype": doctype, "name": name},
                               lambda: self._do_cancel(doctype, name))

    def _delete(self, doctype, name, *, operation, policy):
        def run():
            doc = self._get(doctype, name, operation=operation, policy=policy)
            if doc.get("docstatus") == 1:
                raise _invalid(f"Submitted {doctype} {name} cannot be deleted; cancel it first.")
            SandboxObject.objects.using(ALIAS).filter(system="erpnext", kind=doctype, object_id=name).delete()
            return {"data": "ok"}

        self.store.call(f"delete {doctype}", {"doctype": doctype, "name": name}, run)

    # -- insert ----------------------------------------------------------------------------------
    def _do_insert(self, doctype: str, incoming: dict) -> dict:
        doc = {key: value for key, value in incoming.items() if key != "doctype"}
        for field in DATE_DEFAULTS.get(doctype, ()):  # fields whose default is "Today" in ERPNext
            doc.setdefault(field, timezone.localdate().isoformat())
        missing = [field for field in REQUIRED.get(doctype, ()) if doc.get(field) in (None, "", [])]
        table = CHILD_TABLES.get(doctype)
        if table:
            for index, row in enumerate(doc.get(table[0]) or [], start=1):
                missing += [f"{table[0]}[{index}].{field}" for field in ROW_REQUIRED.get(doctype, ())
                            if row.get(field) in (None, "")]
        if missing:
            raise frappe_error(417, "MandatoryError",
                               [f"Value missing for {doctype}: {field}" for field in missing])
        if doc.get("company") not in (None, self.company):
            raise _invalid(f"Could not find Company: {doc['company']}", "LinkValidationError")
        getattr(self, f"_validate_{doctype.lower().replace(' ', '_')}", lambda d: None)(doc)
        now = _now()
        doc.update(doctype=doctype, name=self._name_for(doctype, doc), docstatus=0, creation=now, modified=now,
                   owner="sandbox@cityos")
        if table:
            for index, row in enumerate(doc.get(table[0]) or [], start=1):
                row.update(name=secrets.token_hex(5), idx=index, parent=doc["name"], parenttype=doctype,
                           parentfield=table[0], doctype=table[1], docstatus=0)
        return self.store.put(doctype, doc["name"], doc)

    def _name_for(self, doctype: str, doc: dict) -> str:
        if doctype == "Item":
            if self.store.get("Item", doc["item_code"]) is not None:
                raise frappe_error(409, "DuplicateEntryError", [f"Item {doc['item_code']} already exists"])
            return doc["item_code"]
        if doctype in ("Customer", "Supplier"):
            base = doc["customer_name" if doctype == "Customer" else "supplier_name"]
            name, count = base, 0
            while self.store.get(doctype, name) is not None:
                count += 1
                name = f"{base} - {count}"
            return name
        if doctype == "Custom Field":
            return f"{doc['dt']}-{doc['fieldname']}"
        prefix = f"{SERIES[doctype]}{timezone.localdate().year}-"
        return f"{prefix}{self.store.next_number('naming_series', prefix):05d}"

    def _require(self, doctype: str, name: str | None, label: str | None = None) -> dict:
        doc = self.store.get(doctype, name) if name else None
        if doc is None:
            raise _invalid(f"Could not find {label or doctype}: {name}", "LinkValidationError")
        return doc

    def _check_in(self, value, allowed, label: str) -> None:
        if value not in allowed:
            raise _invalid(f"Could not find {label}: {value}", "LinkValidationError")

    # -- validation per doctype (what ERPNext's controllers check on save) ------------------------
    def _validate_customer(self, doc):
        self._check_in(doc.get("customer_group") or "All Customer Groups", CUSTOMER_GROUPS, "Customer Group")
        self._check_in(doc.get("territory") or "All Territories", TERRITORIES, "Territory")
        if doc.get("customer_type", "Individual") not in ("Individual", "Company", "Partnership"):
            raise _invalid(f"Customer Type cannot be {doc['customer_type']}")

    def _validate_supplier(self, doc):
        self._check_in(doc.get("supplier_group") or "All Supplier Groups", SUPPLIER_GROUPS, "Supplier Group")

    def _validate_item(self, doc):
        self._check_in(doc["item_group"], ITEM_GROUPS, "Item Group")
        self._check_in(doc["stock_uom"], UOMS, "UOM")

    def _selling_rows(self, doc):
        total_qty, total = Decimal("0"), Decimal("0")
        for row in doc["items"]:
            item = self._require("Item", row["item_code"])
            qty, rate = decimal_of(row["qty"]), decimal_of(row.get("rate"))
            if qty <= 0:
                raise _invalid(f"Row #{doc['items'].index(row) + 1}: Qty must be greater than 0")
            if row.get("warehouse"):
                self._check_in(row["warehouse"], self.warehouses(), "Warehouse")
            row.update(item_name=item["item_name"], stock_uom=item["stock_uom"], uom=item["stock_uom"],
                       conversion_factor=1.0, amount=float(qty * rate))
            total_qty += qty
            total += qty * rate
        doc.update(total_qty=float(total_qty), total=float(total), net_total=float(total),
                   grand_total=float(total), rounded_total=float(total), status="Draft")

    def _validate_sales_order(self, doc):
        self._require("Customer", doc["customer"])
        self._selling_rows(doc)

    def _validate_sales_invoice(self, doc):
        self._require("Customer", doc["customer"])
        self._selling_rows(doc)
        doc.setdefault("due_date", doc["posting_date"])
        doc["outstanding_amount"] = doc["grand_total"]
        for row in doc["items"]:
            if row.get("sales_order"):
                self._require("Sales Order", row["sales_order"])

    def _validate_payment_entry(self, doc):
        accounts = self.accounts()
        self._check_in(doc["paid_from"], accounts, "Account")
        self._check_in(doc["paid_to"], accounts, "Account")
        if doc["payment_type"] not in ("Receive", "Pay", "Internal Transfer"):
            raise _invalid(f"Payment Type cannot be {doc['payment_type']}")
        if doc["payment_type"] != "Internal Transfer":
            if not doc.get("party_type") or not doc.get("party"):
                raise frappe_error(417, "MandatoryError", ["Value missing for Payment Entry: party_type, party"])
            self._require(doc["party_type"], doc["party"])
        paid = decimal_of(doc["paid_amount"])
        if paid <= 0:
            raise _invalid("Paid Amount must be greater than 0")
        allocated = Decimal("0")
        for row in doc.get("references") or []:
            invoice = self._require(row["reference_doctype"], row["reference_name"])
            if invoice.get("docstatus") != 1:
                raise _invalid(f"{row['reference_doctype']} {row['reference_name']} must be submitted")
            amount = decimal_of(row.get("allocated_amount"))
            if amount > decimal_of(invoice.get("outstanding_amount")):
                raise _invalid(f"Row #{row.get('idx', 1)}: Allocated Amount cannot be greater than outstanding amount.")
            row["outstanding_amount"] = invoice.get("outstanding_amount")
            allocated += amount
        if allocated > paid:
            raise _invalid("Total Allocated Amount cannot be greater than the Paid Amount")
        doc.update(total_allocated_amount=float(allocated), unallocated_amount=float(paid - allocated))

    def _validate_journal_entry(self, doc):
        accounts = self.accounts()
        debit, credit = Decimal("0"), Decimal("0")
        for index, row in enumerate(doc["accounts"], start=1):
            self._check_in(row["account"], accounts, "Account")
            row_debit = decimal_of(row.get("debit_in_account_currency"))
            row_credit = decimal_of(row.get("credit_in_account_currency"))
            if row_debit and row_credit:
                raise _invalid(f"Row {index}: You cannot credit and debit same account at the same time")
            if not row_debit and not row_credit:
                raise _invalid(f"Row {index}: Both Debit and Credit values cannot be zero")
            party_type = RECEIVABLE_PAYABLE.get(accounts[row["account"]])
            if party_type and not (row.get("party_type") and row.get("party")):
                raise _invalid(f"Row {index}: Party Type and Party is required for Receivable / Payable account "
                               f"{row['account']}")
            if row.get("party_type"):
                self._require(row["party_type"], row.get("party"))
            row.update(debit=float(row_debit), credit=float(row_credit))
            debit += row_debit
            credit += row_credit
        if debit != credit:
            raise _invalid(f"Total Debit must be equal to Total Credit. The difference is {debit - credit:.2f}")
        doc.update(total_debit=float(debit), total_credit=float(credit))

    def _validate_stock_entry(self, doc):
        sides = STOCK_ENTRY_TYPES.get(doc["stock_entry_type"])
        if sides is None:
            raise _invalid(f"Could not find Stock Entry Type: {doc['stock_entry_type']}", "LinkValidationError")
        for index, row in enumerate(doc["items"], start=1):
            self._require("Item", row["item_code"])
            for side in ("s", "t"):
                warehouse = row.get(f"{side}_warehouse")
                if side in sides and not warehouse:
                    label = "Source" if side == "s" else "Target"
                    raise _invalid(f"Row {index}: {label} warehouse is mandatory for {doc['stock_entry_type']}")
                if warehouse:
                    self._check_in(warehouse, self.warehouses(), "Warehouse")

    def _validate_stock_reservation_entry(self, doc):
        self._require("Item", doc["item_code"])
        self._check_in(doc["warehouse"], self.warehouses(), "Warehouse")
        self._require(doc["voucher_type"], doc["voucher_no"])
        if decimal_of(doc["reserved_qty"]) > decimal_of(doc["voucher_qty"]):
            raise _invalid("Reserved Qty cannot be greater than Voucher Qty")
        doc["status"] = "Draft"

    # -- submit and cancel -----------------------------------------------------------------------
    def _do_submit(self, incoming: dict) -> dict:
        doctype, name = incoming.get("doctype"), incoming.get("name")
        doc = self.store.get(doctype, name) if doctype and name else None
        if doc is None:
            raise not_found(doctype or "Document", name or "")
        if doctype not in SUBMITTABLE:
            raise _invalid(f"{doctype} is not submittable")
        if incoming.get("modified") != doc["modified"]:
            raise frappe_error(417, "TimestampMismatchError",
                               ["Error: Document has been modified after you have opened it. Please refresh to get "
                                "the latest document."])
        if doc["docstatus"] != 0:
            raise _invalid(f"Cannot submit {doctype} {name}: its docstatus is {doc['docstatus']}")
        getattr(self, f"_on_submit_{doctype.lower().replace(' ', '_')}", lambda d: None)(doc)
        self._set_docstatus(doc, 1)
        self._webhook(doc, "on_submit")
        return doc

    def _do_cancel(self, doctype: str, name: str) -> dict:
        doc = self._get(doctype, name, operation="cancel", policy=None)
        if doc["docstatus"] != 1:
            raise _invalid(f"Cannot cancel {doctype} {name}: only submitted documents can be cancelled")
        getattr(self, f"_on_cancel_{doctype.lower().replace(' ', '_')}", lambda d: None)(doc)
        self._set_docstatus(doc, 2)
        doc["status"] = "Cancelled"
        self.store.put(doctype, name, doc)
        self._webhook(doc, "on_cancel")
        return doc

    def _set_docstatus(self, doc: dict, status: int) -> None:
        doc.update(docstatus=status, modified=_now())
        table = CHILD_TABLES.get(doc["doctype"])
        for row in doc.get(table[0], []) if table else []:
            row["docstatus"] = status
        self.store.put(doc["doctype"], doc["name"], doc)

    def _on_submit_sales_order(self, doc):
        doc["status"] = "To Deliver and Bill"

    def _on_submit_sales_invoice(self, doc):
        doc["status"] = "Unpaid"

    def _on_submit_payment_entry(self, doc):
        self._allocate(doc, +1)

    def _on_cancel_payment_entry(self, doc):
        self._allocate(doc, -1)

    def _allocate(self, doc: dict, sign: int) -> None:
        for row in doc.get("references") or []:
            invoice = self.store.get(row["reference_doctype"], row["reference_name"])
            outstanding = decimal_of(invoice["outstanding_amount"]) - sign * decimal_of(row["allocated_amount"])
            invoice.update(outstanding_amount=float(outstanding), modified=_now(),
                           status="Paid" if outstanding == 0 else ("Partly Paid" if outstanding < decimal_of(
                               invoice["grand_total"]) else "Unpaid"))
            self.store.put(invoice["doctype"], invoice["name"], invoice)

    def _on_submit_stock_entry(self, doc):
        self._move_stock(doc, +1)

    def _on_cancel_stock_entry(self, doc):
        self._move_stock(doc, -1)

    def _move_stock(self, doc: dict, sign: int) -> None:
        changes = []
        for row in doc["items"]:
            qty = decimal_of(row["qty"]) * sign
            if row.get("s_warehouse"):
                changes.append((row["item_code"], row["s_warehouse"], -qty))
            if row.get("t_warehouse"):
                changes.append((row["item_code"], row["t_warehouse"], qty))
        for item_code, warehouse, delta in changes:  # check everything before changing anything
            if delta < 0 and self._bin(item_code, warehouse)["actual_qty"] + delta < 0:
                raise frappe_error(417, "NegativeStockError", [
                    f"{-delta} units of Item {item_code} needed in Warehouse {warehouse} to complete this "
                    f"transaction."])
        for item_code, warehouse, delta in changes:
            self._update_bin(item_code, warehouse, actual=delta)

    def _on_submit_stock_reservation_entry(self, doc):
        stock = self._bin(doc["item_code"], doc["warehouse"])
        available = stock["actual_qty"] - stock["reserved_stock"]
        if decimal_of(doc["reserved_qty"]) > available:
            raise _invalid(f"Reserved Qty ({doc['reserved_qty']}) cannot be greater than Available Qty "
                           f"({available}) for Item {doc['item_code']} in Warehouse {doc['warehouse']}.")
        self._update_bin(doc["item_code"], doc["warehouse"], reserved=decimal_of(doc["reserved_qty"]))
        doc["status"] = "Reserved"

    def _on_cancel_stock_reservation_entry(self, doc):
        self._update_bin(doc["item_code"], doc["warehouse"], reserved=-decimal_of(doc["reserved_qty"]))

    # -- bins ------------------------------------------------------------------------------------
    def _bin(self, item_code: str, warehouse: str) -> dict:
        row = self.store.get("Bin", f"{item_code}::{warehouse}") or {}
        return {"actual_qty": decimal_of(row.get("actual_qty")), "reserved_stock": decimal_of(row.get("reserved_stock"))}

    def _update_bin(self, item_code: str, warehouse: str, *, actual=Decimal("0"), reserved=Decimal("0")) -> None:
        current = self._bin(item_code, warehouse)
        actual_qty, reserved_stock = current["actual_qty"] + actual, current["reserved_stock"] + reserved
        self.store.put("Bin", f"{item_code}::{warehouse}", {
            "doctype": "Bin", "name": f"{item_code}::{warehouse}", "item_code": item_code, "warehouse": warehouse,
            "actual_qty": float(actual_qty), "reserved_stock": float(reserved_stock),
            "projected_qty": float(actual_qty - reserved_stock), "modified": _now()})

    # -- webhooks --------------------------------------------------------------------------------
    def _webhook(self, doc: dict, event: str) -> None:
        if doc["doctype"] not in WEBHOOK_DOCTYPES:
            return
        fields = ("customer", "party", "company", "currency", "grand_total", "outstanding_amount", "paid_amount",
                  "total_debit", "status", "item_code", "warehouse", "reserved_qty", "stock_entry_type")
        sandbox_webhooks.enqueue("erpnext", {
            "doctype": doc["doctype"], "name": doc["name"], "event": event, "modified": doc["modified"],
            "docstatus": doc["docstatus"], "cityos_tenant": doc.get("cityos_tenant"),
            "cityos_reference": doc.get("cityos_reference"),
            "doc": {field: doc[field] for field in fields if field in doc}})
