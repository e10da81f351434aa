"""Errors that services raise and the API turns into the error envelope.

Services never build HTTP responses; they raise `ServiceError` (or a subclass) with a stable
machine-readable `code`, a human message, the HTTP status it maps to and optional per-field
details. `cityos.api.exceptions` renders it as `{"error": {"code", "message", "fields"}}`.
"""


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class InvalidInput(ServiceError):
    status = 400
    code = "invalid_input"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class PaymentRequired(ServiceError):
    status = 402
    code = "payment_failed"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Unprocessable(ServiceError):
    status = 422
    code = "unprocessable"
