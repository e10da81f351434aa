"""Platform-level views: JSON answers for unknown hosts and for errors outside DRF."""
from django.http import JsonResponse


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def json_error(status: int, code: str, message: str, fields: dict | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def unknown_host(request):
    host = request.META.get("HTTP_HOST", "")
    return json_error(404, "unknown_host", f"No tenant is served at host {host!r}.")


def not_found(request, exception=None):
    return json_error(404, "not_found", f"Nothing is served at {request.path}.")


def server_error(request):
    return json_error(500, "internal_error", "An unexpected error occurred; it has been logged.")


def bad_request(request, exception=None):
    return json_error(400, "bad_request", "The request could not be understood.")


def permission_denied(request, exception=None):
    return json_error(403, "forbidden", str(exception) if exception else "Forbidden.")
