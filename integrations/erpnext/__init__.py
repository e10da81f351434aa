"""ERPNext (Frappe REST API): the back-office ledger, stock and parties — real client and sandbox."""
