"""Frappe's wire conventions: error envelopes mapped onto the taxonomy, and field helpers.

Errors come as `{"exc_type": "MandatoryError", "exception": "...", "_server_messages":
"[\"{\\\"message\\\": \\\"...\\\"}\"]"}` — `_server_messages` is a JSON string holding a list of
JSON strings, so it is decoded twice. The sandbox raises its errors through `frappe_error` too, so
both implementations fail with the same classes, codes and messages.
"""
import html
import json
import re

import httpx

from integrations import errors
from integrations.http import json_body, retry_after_seconds

SYSTEM = "erpnext"
_TAGS = re.compile(r"<[^>]+>")

# exc_type → taxonomy class for 417 (the ValidationError family) and 409.
_BY_EXC_TYPE = {
    "MandatoryError": errors.SchemaValidationError,
    "LinkValidationError": errors.InvalidArgumentError,
    "TimestampMismatchError": errors.DataConflictError,
    "UniqueValidationError": errors.DuplicateRequestError,
    "DuplicateEntryError": errors.DuplicateRequestError,
    "NameError": errors.DuplicateRequestError,
    "NegativeStockError": errors.InventoryUnavailableError,
    "RateLimitExceededError": errors.RateLimitError,
    "DoesNotExistError": errors.InvalidArgumentError,
    "PermissionError": errors.ConfigurationError,
    "AuthenticationError": errors.AuthenticationError,
}


def clean(message: str) -> str:
    return html.unescape(_TAGS.sub("", message or "")).strip()


def server_messages(body: dict | None) -> list[str]:
    """Decode `_server_messages` (a JSON list of JSON strings) into plain texts."""
    raw = (body or {}).get("_server_messages")
    if not raw:
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return [clean(str(raw))]
    texts = []
    for item in items or []:
        try:
            decoded = json.loads(item) if isinstance(item, str) else item
        except ValueError:
            decoded = item
        text = decoded.get("message") if isinstance(decoded, dict) else decoded
        if text:
            texts.append(clean(str(text)))
    return texts


def frappe_error(status: int, exc_type: str | None, messages: list[str], *,
                 retry_after: float | None = None) -> errors.IntegrationError:
    message = "; ".join(messages) or exc_type or f"ERPNext answered HTTP {status}"
    klass = _BY_EXC_TYPE.get(exc_type or "")
    if klass is None:
        if status == 401:
            klass = errors.AuthenticationError
        elif status == 403:
            klass = errors.ConfigurationError
        elif status == 404:
            klass = errors.InvalidArgumentError
        elif status == 409:
            klass = errors.DuplicateRequestError
        elif status == 417:
            klass = errors.InvalidArgumentError
        elif status == 429:
            klass = errors.RateLimitError
        elif status in (502, 503, 504):
            klass = errors.ServiceUnavailableError
        elif status >= 500:
            klass = errors.ExternalAPIError
        else:
            klass = errors.InvalidArgumentError
    return klass(message, system=SYSTEM, external_code=exc_type or str(status), external_message=message,
                 retry_after=retry_after, details={"http_status": status, "exc_type": exc_type, "messages": messages})


def map_response(response: httpx.Response) -> errors.IntegrationError:
    body = json_body(response)
    body = body if isinstance(body, dict) else {}
    messages = server_messages(body)
    if not messages and body.get("exception"):
        messages = [clean(str(body["exception"]).split(":", 1)[-1])]
    if not messages and body.get("message") and isinstance(body["message"], str):
        messages = [clean(body["message"])]
    return frappe_error(response.status_code, body.get("exc_type"), messages,
                        retry_after=retry_after_seconds(response))


def not_found(doctype: str, name: str) -> errors.IntegrationError:
    return frappe_error(404, "DoesNotExistError", [f"{doctype} {name} not found"])


def is_not_found(exc: errors.IntegrationError) -> bool:
    return exc.external_code == "DoesNotExistError" or exc.details.get("http_status") == 404
