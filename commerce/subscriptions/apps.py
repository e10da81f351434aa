from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "commerce.subscriptions"
    label = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commerce.subscriptions import events  # noqa: F401  (adds the subscription events to the catalog)
