"""ERPNext over Frappe's REST API (httpx).

- `Authorization: token <api_key>:<api_secret>`.
- Documents: `GET /api/resource/{DocType}?filters=<json>&fields=<json>&limit_page_length=`,
  `GET /api/resource/{DocType}/{name}`, `POST /api/resource/{DocType}` (creates a draft),
  `DELETE /api/resource/{DocType}/{name}`; answers are wrapped in `{"data": …}`.
- Submitting and cancelling: `POST /api/method/frappe.client.submit` `{"doc": …}` and
  `POST /api/method/frappe.client.cancel` `{"doctype", "name"}`; answers in `{"message": …}`.
- Health: `GET /api/method/ping` → `{"message": "pong"}`, then
  `GET /api/method/frappe.auth.get_logged_user` to prove the credentials.
"""
import json
import time
from urllib.parse import quote

import httpx
from django.conf import settings

from integrations import errors
from integrations.erpnext import frappe
from integrations.erpnext.operations import ErpOperations
from integrations.http import HttpClient, json_body
from integrations.tenancy import REFERENCE_KEY, TENANT_KEY

PAGE_SIZE = 500

# Documents that carry the platform's tenant and reference (custom fields, see `ensure_custom_fields`).
REFERENCED_DOCTYPES = ("Customer", "Supplier", "Item", "Sales Order", "Sales Invoice", "Payment Entry",
                       "Journal Entry", "Stock Entry", "Stock Reservation Entry")


def _path(doctype: str, name: str | None = None) -> str:
    path = f"/api/resource/{quote(doctype)}"
    return f"{path}/{quote(name, safe='')}" if name is not None else path


class ERPNextClient(ErpOperations):
    def __init__(self, *, base_url: str | None = None, api_key: str | None = None, api_secret: str | None = None,
                 transport: httpx.BaseTransport | None = None, sleep=time.sleep, budget: float | None = None):
        key = api_key or settings.ERPNEXT_API_KEY
        secret = api_secret or settings.ERPNEXT_API_SECRET
        self.http = HttpClient(system="erpnext", base_url=base_url or settings.ERPNEXT_URL,
                               headers={"Authorization": f"token {key}:{secret}", "Accept": "application/json"},
                               error_mapper=frappe.map_response, transport=transport, sleep=sleep, budget=budget)

    def is_configured(self) -> bool:
        return bool(settings.ERPNEXT_URL and settings.ERPNEXT_API_KEY and settings.ERPNEXT_API_SECRET)

    @property
    def company(self) -> str:
        if not settings.ERPNEXT_COMPANY:
            raise errors.ConfigurationError("ERPNEXT_COMPANY is not set: documents need the company they belong to.",
                                            system="erpnext", external_code="company_missing")
        return settings.ERPNEXT_COMPANY

    def health_check(self) -> dict:
        try:
            pong = self.http.probe("GET", "/api/method/ping")
            if json_body(pong) != {"message": "pong"}:
                return {"healthy": False, "message": f"ping answered HTTP {pong.status_code}"}
            who = self.http.probe("GET", "/api/method/frappe.auth.get_logged_user")
            if who.status_code != 200:
                return {"healthy": False, "message": f"credentials refused (HTTP {who.status_code})"}
            return {"healthy": True, "message": f"ERPNext reachable as {json_body(who).get('message')}"}
        except httpx.HTTPError as exc:
            return {"healthy": False, "message": f"unreachable: {type(exc).__name__}: {exc}"}

    # -- primitives ------------------------------------------------------------------------------
    def _find(self, doctype, filters, *, operation, policy, fields=("name",), limit=1):
        response = self.http.request("GET", _path(doctype), operation=operation, policy=policy, params={
            "filters": json.dumps(filters), "fields": json.dumps(list(fields)), "limit_page_length": limit})
        return response.json()["data"]

    def _get(self, doctype, name, *, operation, policy):
        return self.http.request("GET", _path(doctype, name), operation=operation, policy=policy).json()["data"]

    def _insert(self, doctype, doc, *, operation, policy):
        return self.http.request("POST", _path(doctype), operation=operation, policy=policy, json=doc).json()["data"]

    def _submit(self, doc, *, operation, policy):
        response = self.http.request("POST", "/api/method/frappe.client.submit", operation=operation, policy=policy,
                                     json={"doc": doc})
        return response.json()["message"]

    def _cancel(self, doctype, name, *, operation, policy):
        self.http.request("POST", "/api/method/frappe.client.cancel", operation=operation, policy=policy,
                          json={"doctype": doctype, "name": name})
        return self._get(doctype, name, operation=operation, policy=policy)

    def _delete(self, doctype, name, *, operation, policy):
        self.http.request("DELETE", _path(doctype, name), operation=operation, policy=policy)

    def _list(self, doctype, *, fields, filters, operation, policy):
        rows, start = [], 0
        while True:
            page = self.http.request("GET", _path(doctype), operation=operation, policy=policy, params={
                "fields": json.dumps(fields), "filters": json.dumps(filters), "limit_start": start,
                "limit_page_length": PAGE_SIZE}).json()["data"]
            rows.extend(page)
            if len(page) < PAGE_SIZE:
                return rows
            start += PAGE_SIZE

    # -- setup -----------------------------------------------------------------------------------
    def ensure_custom_fields(self) -> list[str]:
        """Create the `cityos_tenant` and `cityos_reference` custom fields where missing; returns what was added."""
        from integrations import policies

        created = []
        for doctype in REFERENCED_DOCTYPES:
            for fieldname, label in ((TENANT_KEY, "CityOS tenant"), (REFERENCE_KEY, "CityOS reference")):
                exists = self._find("Custom Field", [["dt", "=", doctype], ["fieldname", "=", fieldname]],
                                    operation="ensure_custom_fields", policy=policies.DEFAULT)
                if exists:
                    continue
                self._insert("Custom Field", {"dt": doctype, "fieldname": fieldname, "label": label,
                                              "fieldtype": "Data", "read_only": 1, "no_copy": 1,
                                              "search_index": 1 if fieldname == REFERENCE_KEY else 0},
                             operation="ensure_custom_fields", policy=policies.DEFAULT)
                created.append(f"{doctype}.{fieldname}")
        return created

    def setup(self) -> list[str]:
        return [f"custom field {name}" for name in self.ensure_custom_fields()]
