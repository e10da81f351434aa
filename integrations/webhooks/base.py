"""What each system's webhook module provides, and the shapes they share."""
import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timezone

from django.conf import settings


class InvalidSignature(Exception):
    """The webhook is not proven to come from the system: answered 401."""


class MalformedWebhook(Exception):
    """The body is not what the system sends: answered 400."""


@dataclass
class Signal:
    """One outbox event to write: a workflow signal of seeds 003 §4.4 or an integration event."""

    event_type: str
    aggregate_type: str
    aggregate_id: str
    payload: dict


@dataclass
class Translation:
    tenant: str | None
    signals: list[Signal] = field(default_factory=list)
    detail: str = ""


def constant_time_equal(a: str | bytes | None, b: str | bytes | None) -> bool:
    if a is None or b is None:
        return False
    a = a.encode() if isinstance(a, str) else a
    b = b.encode() if isinstance(b, str) else b
    return hmac.compare_digest(a, b)


def derived_secret(purpose: str) -> str:
    """A secret derived from SECRET_KEY: used by the sandboxes, never guessable from outside."""
    return hmac.new(settings.SECRET_KEY.encode(), f"cityos:{purpose}".encode(), hashlib.sha256).hexdigest()


def iso_from_unix(seconds) -> str | None:
    if seconds in (None, ""):
        return None
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).isoformat().replace("+00:00", "Z")


def iso_from_text(value) -> str | None:
    """Fleetbase / Frappe timestamps ("2026-05-01 10:20:30[.ffffff]", UTC) as ISO 8601."""
    if not value:
        return None
    text = str(value).replace("T", " ").rstrip("Z")
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            parsed = datetime.strptime(text[:26], pattern)
        except ValueError:
            continue
        return parsed.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
    return str(value)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
