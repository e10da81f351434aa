from django.dispatch import Signal

# Sent inside the new tenant's schema once its schema, domain and Wagtail site exist.
# Receivers create their app's defaults (regions, sales channel, settings, ...). kwargs: tenant.
tenant_provisioned = Signal()
