"""Tenant resolution from the Host header, suspension, and tenant-scoped admin access."""
from django.core.exceptions import DisallowedHost
from django.http import HttpResponseForbidden
from django.template.response import TemplateResponse
from django_tenants.middleware.main import TenantMainMiddleware
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from cityos import logging as log_context
from cityos.views import json_error

ALWAYS_SERVED = ("/health", "/metrics", "/static/")
STAFF_AREAS = ("/cms/", "/django-admin/")


class TenantResolutionMiddleware(TenantMainMiddleware):
    """Select the tenant schema from the host; an unknown host gets a JSON 404 (never a 500)."""

    def process_request(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            return json_error(404, "unknown_host", "This host is not served here.")
        response = super().process_request(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            log_context.bind(tenant=tenant.slug)
        return response


class TenantStatusMiddleware:
    """A suspended tenant answers 403 with a clear error to every request but health checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_platform and not tenant.is_active:
            if not request.path.startswith(ALWAYS_SERVED):
                reason = f" Reason: {tenant.suspended_reason}" if tenant.suspended_reason else ""
                return json_error(
                    403, "tenant_suspended",
                    f"The tenant '{tenant.slug}' is suspended; contact the platform operator.{reason}",
                )
        return self.get_response(request)


class TenantStaffAccessMiddleware:
    """Users are platform-wide, so the CMS and admin of a tenant admit only its members."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        user = getattr(request, "user", None)
        if (tenant is not None and not tenant.is_platform and request.path.startswith(STAFF_AREAS)
                and user is not None and user.is_authenticated and not user.is_superuser
                and not tenant.has_member(user)):
            response = TemplateResponse(request, "tenants/not_a_member.html", {"tenant": tenant}, status=403)
            return response.render() if hasattr(response, "render") else HttpResponseForbidden()
        return self.get_response(request)


class TenantRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects, which live in tenant schemas only."""

    def process_response(self, request, response):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.is_platform:
            return response
        return super().process_response(request, response)
