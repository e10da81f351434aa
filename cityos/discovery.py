"""Finding the optional modules that apps contribute by convention (`<app>.schedules`, `<app>.seed`)."""
import importlib
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` for every installed app that has one, in INSTALLED_APPS order."""
    modules = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.{name}"
        try:
            modules.append(importlib.import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name != dotted:  # the module exists but something it imports does not
                raise
    return modules
