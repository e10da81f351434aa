from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "commerce.regions"
    label = "regions"
    verbose_name = "Regions, sales channels and publishable API keys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commerce.regions import receivers  # noqa: F401
