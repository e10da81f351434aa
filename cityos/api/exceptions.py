"""One error envelope for every 4xx: `{"error": {"code", "message", "fields"}}`."""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cityos.errors import ServiceError
from cityos.views import error_body

logger = logging.getLogger(__name__)

_CODES = {
    exceptions.ParseError: "malformed_request",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ValidationError: "validation_error",
}


def _as_fields(detail) -> dict:
    if isinstance(detail, dict):
        return {str(key): _plain(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return {"non_field_errors": _plain(detail)}
    return {"non_field_errors": [str(detail)]}


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value)


def _first_message(fields: dict, path: str = "") -> str | None:
    for key, value in fields.items():
        where = key if not path else f"{path}.{key}"
        if isinstance(value, dict):
            found = _first_message(value, where)
            if found:
                return found
        elif isinstance(value, list) and value:
            head = value[0]
            if isinstance(head, dict):
                found = _first_message(head, where)
                if found:
                    return found
            else:
                return head if key == "non_field_errors" else f"{where}: {head}"
    return None


def _code_for(exc) -> str:
    for klass in type(exc).__mro__:
        if klass in _CODES:
            return _CODES[klass]
    return "error"


def envelope_exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django logs it and answers 500 via cityos.views.server_error

    if isinstance(exc, exceptions.ValidationError):
        fields = _as_fields(exc.detail)
        message = "Invalid input."
        first = _first_message(fields)
        if first:
            message = f"Invalid input: {first}"
    else:
        fields = {}
        message = str(exc.detail) if not isinstance(exc.detail, (dict, list)) else "Request failed."
    code = _code_for(exc)
    if isinstance(exc, exceptions.ParseError):
        message = f"The request body could not be parsed: {exc.detail}"
    response.data = error_body(code, message, fields)
    if response.status_code >= status.HTTP_500_INTERNAL_SERVER_ERROR:
        logger.error("API error %s: %s", code, message)
    return response
