"""Structured JSON logs. Every line carries the correlation id and tenant of the work it belongs to.

`bind(...)` adds fields to the current context (a request, a Celery task); the filter copies the
context onto each record and the formatter writes one JSON object per line.
"""
import contextvars
import json
import logging
import traceback
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

_context: contextvars.ContextVar[dict] = contextvars.ContextVar("cityos_log_context", default={})

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def new_correlation_id() -> str:
    return f"corr_{uuid.uuid4().hex}"


def current() -> dict:
    return _context.get()


def correlation_id() -> str | None:
    return _context.get().get("correlation_id")


def bind(**fields) -> contextvars.Token:
    """Add fields to the logging context; returns a token for `reset`."""
    return _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})


def reset(token: contextvars.Token) -> None:
    _context.reset(token)


@contextmanager
def bound(**fields):
    token = bind(**fields)
    try:
        yield
    finally:
        reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            exc_type, exc, _ = record.exc_info
            entry["error"] = {
                "type": exc_type.__name__ if exc_type else None,
                "message": str(exc),
                "stack": "".join(traceback.format_exception(*record.exc_info)),
            }
        return json.dumps(entry, default=str)
