from django.apps import AppConfig


class PricingConfig(AppConfig):
    name = "commerce.pricing"
    label = "pricing"
    verbose_name = "Pricing and tax"
    default_auto_field = "django.db.models.BigAutoField"
