"""`GET /credentials/status/<list>`: the platform-hosted revocation list of the credentials it issued.

Served as a StatusList2021 credential in JWT form, signed by the platform's Walt.id issuer key
(re-signed when a credential of the list is revoked; cached otherwise).
"""
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpResponse

from cityos.views import json_error
from integrations import errors, registry
from integrations.models import CredentialStatus, IssuedCredential

CACHE_SECONDS = 300


def status_list_view(request, list_id: str):
    if request.method != "GET":
        return json_error(405, "method_not_allowed", "Status lists are read with GET.")
    issued = IssuedCredential.objects.filter(status_list=list_id)
    if not list_id.isdigit() or not issued.exists():
        return json_error(404, "not_found", f"No status list {list_id!r}.")
    version = issued.filter(status=CredentialStatus.REVOKED).aggregate(n=Count("pk"), at=Max("revoked_at"))
    stamp = int(version["at"].timestamp() * 1_000_000) if version["at"] else 0
    key = f"integrations:status-list:{list_id}:{version['n']}:{stamp}"
    token = cache.get(key)
    if token is None:
        try:
            token = registry.get("waltid").signed_status_list(list_id)
        except errors.IntegrationError as exc:
            return json_error(503, "status_list_unavailable", f"The status list cannot be signed now: {exc.message}")
        cache.set(key, token, CACHE_SECONDS)
    return HttpResponse(token, content_type="application/statuslist+jwt")
