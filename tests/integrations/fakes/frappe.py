"""A small stateful fake of Frappe's REST API for respx, written from Frappe's behaviour (not from
the sandbox): `/api/resource` lists with JSON filters, reads, draft inserts named by naming series,
`frappe.client.submit` / `cancel`, 404 DoesNotExistError, 409 DuplicateEntryError for items,
417 MandatoryError and the journal entry's "Total Debit must be equal to Total Credit"."""
import itertools
import json
from datetime import date, datetime
from urllib.parse import unquote

import httpx

SERIES = {"Sales Order": "SAL-ORD", "Sales Invoice": "ACC-SINV", "Journal Entry": "ACC-JV", "Payment Entry": "ACC-PAY"}
MANDATORY = {"Customer": ["customer_name"], "Sales Order": ["customer", "items"], "Journal Entry": ["accounts"]}


def _error(status: int, exc_type: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"exc_type": exc_type, "exception": f"frappe.exceptions.{exc_type}: {message}",
                                        "_server_messages": json.dumps([json.dumps({"message": message})])})


class FakeFrappe:
    def __init__(self):
        self.docs: dict[tuple[str, str], dict] = {}
        self.counters = itertools.count(1)

    def install(self, mock) -> "FakeFrappe":
        mock.get(path__regex=r"^/api/resource/(?P<doctype>[^/]+)$").mock(side_effect=self.list)
        mock.get(path__regex=r"^/api/resource/(?P<doctype>[^/]+)/(?P<name>.+)$").mock(side_effect=self.read)
        mock.post(path__regex=r"^/api/resource/(?P<doctype>[^/]+)$").mock(side_effect=self.insert)
        mock.post("/api/method/frappe.client.submit").mock(side_effect=self.submit)
        mock.post("/api/method/frappe.client.cancel").mock(side_effect=self.cancel)
        return self

    def list(self, request, doctype):
        doctype = unquote(doctype)
        filters = json.loads(request.url.params.get("filters", "[]"))
        fields = json.loads(request.url.params.get("fields", '["name"]'))
        rows = [doc for (kind, _), doc in self.docs.items() if kind == doctype
                and all(doc.get(f) == v if op == "=" else doc.get(f) in v for f, op, v in filters)]
        return httpx.Response(200, json={"data": [{f: doc.get(f) for f in fields} for doc in rows]})

    def read(self, request, doctype, name):
        doc = self.docs.get((unquote(doctype), unquote(name)))
        if doc is None:
            return _error(404, "DoesNotExistError", f"{unquote(doctype)} {unquote(name)} not found")
        return httpx.Response(200, json={"data": doc})

    def insert(self, request, doctype):
        doctype = unquote(doctype)
        doc = json.loads(request.content)
        missing = [f for f in MANDATORY.get(doctype, []) if not doc.get(f)]
        if missing:
            return _error(417, "MandatoryError", f"Value missing for {doctype}: {', '.join(missing)}")
        if doctype == "Journal Entry":
            debit = sum(round(r.get("debit_in_account_currency", 0) * 100) for r in doc["accounts"])
            credit = sum(round(r.get("credit_in_account_currency", 0) * 100) for r in doc["accounts"])
            if debit != credit:
                return _error(417, "ValidationError", "Total Debit must be equal to Total Credit. "
                                                      f"The difference is {(debit - credit) / 100:.2f}")
            doc.update(total_debit=debit / 100, total_credit=credit / 100)
        if doctype == "Item":
            name = doc["item_code"]
            if ("Item", name) in self.docs:
                return _error(409, "DuplicateEntryError", f"Item {name} already exists")
        elif doctype == "Customer":
            name, n = doc["customer_name"], 0
            while ("Customer", name) in self.docs:
                n += 1
                name = f"{doc['customer_name']} - {n}"
        else:
            name = f"{SERIES[doctype]}-{date.today().year}-{next(self.counters):05d}"
        if doctype in ("Sales Order", "Sales Invoice"):
            doc["grand_total"] = sum(r["qty"] * r["rate"] for r in doc["items"])
        doc.update(name=name, doctype=doctype, docstatus=0, modified=datetime.now().isoformat(sep=" "))
        self.docs[(doctype, name)] = doc
        return httpx.Response(200, json={"data": doc})

    def submit(self, request):
        sent = json.loads(request.content)["doc"]
        doc = self.docs[(sent["doctype"], sent["name"])]
        if sent.get("modified") != doc["modified"]:
            return _error(417, "TimestampMismatchError", "Document has been modified after you have opened it.")
        doc.update(docstatus=1, modified=datetime.now().isoformat(sep=" "))
        return httpx.Response(200, json={"message": doc})

    def cancel(self, request):
        sent = json.loads(request.content)
        self.docs[(sent["doctype"], sent["name"])]["docstatus"] = 2
        return httpx.Response(200, json={"message": None})
