from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        from cityos.metrics import register_collector
        from integrations.adapters import register_all
        from integrations.metrics import IntegrationsCollector

        register_all()
        register_collector(IntegrationsCollector())
