"""Request correlation and the one access-log line per request."""
import logging
import re
import time

from cityos import logging as log_context

logger = logging.getLogger("cityos.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


class CorrelationMiddleware:
    """Take `X-Correlation-ID` (or make one), bind it to the logs, echo it on the response, and log
    the request with its tenant, path, status and duration once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Correlation-ID", "")
        correlation_id = incoming if _VALID_ID.match(incoming) else log_context.new_correlation_id()
        request.correlation_id = correlation_id
        token = log_context.bind(correlation_id=correlation_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
        tenant = getattr(getattr(request, "tenant", None), "slug", None)
        response["X-Correlation-ID"] = correlation_id
        logger.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"tenant": tenant, "method": request.method, "path": request.path,
                   "status": response.status_code, "duration_ms": duration_ms},
        )
        log_context.reset(token)
        return response
