"""Two Django admin sites: the platform's (public schema, on the platform host) and each tenant's.

Django's default `admin.site` is the tenant admin: apps with tenant-schema models register on it
as usual (`@admin.register(Model)`). Public-schema models register on `platform_admin`. A public
model that tenant staff should also see registers on `admin.site` with `TenantScopedAdmin`, which
filters rows to the current tenant.
"""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import connection


def _current_tenant(request):
    return getattr(request, "tenant", None)


class TenantAdminSite(admin.AdminSite):
    site_header = "CityOS — tenant administration"
    site_title = "CityOS tenant admin"
    index_title = "Commerce and content"

    def has_permission(self, request):
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        tenant = _current_tenant(request)
        if tenant is None or tenant.is_platform:
            return False
        return user.is_superuser or tenant.has_member(user)

    def each_context(self, request):
        context = super().each_context(request)
        tenant = _current_tenant(request)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} — administration"
        return context


class PlatformAdminSite(admin.AdminSite):
    site_header = "CityOS — platform administration"
    site_title = "CityOS platform admin"
    index_title = "Tenants, users and platform operations"

    def has_permission(self, request):
        return bool(request.user.is_active and request.user.is_superuser)


platform_admin = PlatformAdminSite(name="platform_admin")


class CityOSAdminConfig(AdminConfig):
    default_site = "cityos.admin_sites.TenantAdminSite"


class TenantScopedAdmin(admin.ModelAdmin):
    """For public-schema rows carrying a `tenant_field` (the tenant's schema name or slug)."""

    tenant_field = "tenant_schema"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(**{self.tenant_field: connection.schema_name})
