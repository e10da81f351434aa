"""The commerce engine: one Django app per module, each in every tenant schema."""
TENANT_APPS: list[str] = []
