def tenant_settings(request):
    """Expose the current tenant to templates (name, locale, currency) as `tenant`."""
    return {"tenant": getattr(request, "tenant", None)}
