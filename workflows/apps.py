import importlib
import pkgutil

from django.apps import AppConfig


def load_definitions() -> None:
    """Import every module of `workflows.definitions` and the extra WORKFLOW_MODULES, so their
    `@register` decorators run in every process (web, workers, beat)."""
    from workflows import conf, definitions

    for module in pkgutil.iter_modules(definitions.__path__, prefix=f"{definitions.__name__}."):
        importlib.import_module(module.name)
    for name in str(conf.get("WORKFLOW_MODULES")).split(","):
        if name.strip():
            importlib.import_module(name.strip())


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows and outbox"

    def ready(self):
        from cityos.metrics import register_collector
        from workflows.metrics import COLLECTOR

        load_definitions()
        register_collector(COLLECTOR)
