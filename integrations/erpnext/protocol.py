"""What the platform asks of its ERP, in ERPNext's terms (both implementations keep these signatures).

Documents are dicts with Frappe's field names as ERPNext returns them (`name`, `doctype`,
`docstatus` 0 draft / 1 submitted / 2 cancelled, `modified`, child tables). Amounts go in as
Decimals in major units. Every create takes an `idempotency_key`, stored on the document as
`cityos_reference`: the same key returns the document created the first time. Failures raise
`integrations.errors` classes (MandatoryError → SchemaValidationError, ValidationError →
InvalidArgumentError, NegativeStockError → InventoryUnavailableError, …) with Frappe's `exc_type`
as `external_code` and its messages in `details["messages"]`.
"""
from datetime import date
from decimal import Decimal
from typing import Protocol


class ERP(Protocol):
    name: str

    def is_configured(self) -> bool: ...

    def health_check(self) -> dict: ...

    def sync_entity(self, entity_type: str, entity_id: str, data: dict) -> dict: ...

    def handle_webhook(self, event: str, payload: dict) -> dict: ...

    def create_customer(self, *, customer_name: str, idempotency_key: str, customer_type: str = "Individual",
                        customer_group: str | None = None, territory: str | None = None,
                        email: str | None = None, phone: str | None = None) -> dict: ...

    def create_supplier(self, *, supplier_name: str, idempotency_key: str, supplier_type: str = "Company",
                        supplier_group: str | None = None, country: str | None = None,
                        email: str | None = None) -> dict: ...

    def create_item(self, *, item_code: str, item_name: str, idempotency_key: str, item_group: str = "Products",
                    stock_uom: str = "Nos", is_stock_item: bool = True, standard_rate: Decimal | None = None,
                    description: str | None = None) -> dict:
        """Items are named by `item_code`; an existing item is returned as is."""

    def create_sales_order(self, *, customer: str, items: list[dict], currency: str, idempotency_key: str,
                           transaction_date: date | None = None, delivery_date: date | None = None,
                           submit: bool = True) -> dict:
        """`items`: `[{"item_code", "qty", "rate", "warehouse"?}]`."""

    def create_sales_invoice(self, *, customer: str, items: list[dict], currency: str, idempotency_key: str,
                             posting_date: date | None = None, due_date: date | None = None,
                             sales_order: str | None = None, submit: bool = True) -> dict: ...

    def create_payment_entry(self, *, party: str, paid_amount: Decimal, currency: str, paid_from: str, paid_to: str,
                             reference_no: str, idempotency_key: str, party_type: str = "Customer",
                             payment_type: str = "Receive", reference_date: date | None = None,
                             invoices: list[dict] = (), posting_date: date | None = None,
                             submit: bool = True) -> dict:
        """`invoices`: `[{"name", "amount"}]` the payment is allocated to."""

    def create_journal_entry(self, *, accounts: list[dict], idempotency_key: str, posting_date: date | None = None,
                             user_remark: str | None = None, voucher_type: str = "Journal Entry",
                             submit: bool = True) -> dict:
        """`accounts`: `[{"account", "debit" | "credit", "party_type"?, "party"?}]`; must balance."""

    def create_stock_entry(self, *, stock_entry_type: str, items: list[dict], idempotency_key: str,
                           posting_date: date | None = None, submit: bool = True) -> dict:
        """`stock_entry_type`: Material Receipt / Issue / Transfer; `items`: `[{"item_code", "qty",
        "s_warehouse"?, "t_warehouse"?, "basic_rate"?}]`."""

    def reserve_stock(self, *, item_code: str, warehouse: str, qty: Decimal, sales_order: str,
                      idempotency_key: str) -> dict:
        """A submitted Stock Reservation Entry; InventoryUnavailableError when not enough is available."""

    def release_stock(self, reservation: str, *, idempotency_key: str) -> dict: ...

    def get_stock_levels(self, *, item_codes: list[str] | None = None, warehouse: str | None = None) -> list[dict]:
        """`[{"item_code", "warehouse", "actual_qty", "reserved_qty", "available_qty", "projected_qty"}]`."""

    def get_document(self, doctype: str, name: str) -> dict: ...

    def find_by_reference(self, doctype: str, idempotency_key: str) -> dict | None: ...

    def cancel_document(self, doctype: str, name: str, *, idempotency_key: str) -> dict:
        """Compensation: cancel a submitted document, delete a draft."""
