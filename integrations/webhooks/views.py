"""`POST /webhooks/<system>` on the platform host: the HTTP layer in front of `service.receive`."""
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from cityos.views import error_body
from integrations.webhooks import service

logger = logging.getLogger(__name__)

ERROR_CODES = {401: "invalid_signature", 400: "malformed_webhook"}


@csrf_exempt
def receive_webhook(request, system: str):
    if request.method != "POST":
        response = JsonResponse(error_body("method_not_allowed", "Webhooks are delivered with POST."), status=405)
        response["Allow"] = "POST"
        return response
    outcome = service.receive(system, request.body, request.headers, request.GET)
    if outcome.ok:
        return JsonResponse(outcome.body(), status=outcome.status_code)
    return JsonResponse(error_body(ERROR_CODES.get(outcome.status_code, "webhook_refused"), outcome.detail),
                        status=outcome.status_code)
